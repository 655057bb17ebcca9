-- Which demo-data steps have been loaded, so `dealgate seed demo` is
-- idempotent and, when a later release adds a step, loads only the new one.
CREATE TABLE demo_seed_step (
    name       text        PRIMARY KEY,
    applied_at timestamptz NOT NULL
);

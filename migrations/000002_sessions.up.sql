-- Server-side sessions (github.com/alexedwards/scs/pgxstore), shared by
-- every app instance.
CREATE TABLE sessions (
    token  text        PRIMARY KEY,
    data   bytea       NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

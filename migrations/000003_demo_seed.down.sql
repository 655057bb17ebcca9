DROP TABLE IF EXISTS demo_seed_step;

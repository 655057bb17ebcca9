DROP TABLE IF EXISTS import_held;

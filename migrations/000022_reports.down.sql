DROP TABLE IF EXISTS prepared_export_chunk;
DROP TABLE IF EXISTS prepared_export;

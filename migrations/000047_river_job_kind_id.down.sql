DROP INDEX IF EXISTS river_job_kind_id_idx;

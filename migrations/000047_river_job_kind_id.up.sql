-- The agreement page reads the newest re-screening job (LatestRescreenJob:
-- WHERE kind = 'rescreen' ORDER BY id DESC LIMIT 1). River's own index on
-- kind alone leaves the planner walking the primary key backwards past
-- every newer job of other kinds: after a burst of mail, 100,000 rows and
-- 130 ms per page view. With (kind, id) it is one index probe.
CREATE INDEX IF NOT EXISTS river_job_kind_id_idx ON river_job (kind, id);

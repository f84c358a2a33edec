-- PostgreSQL dialect of migrations/0004_run_queue.sql: the 'queued' status and queued_at,
-- changed in place.

ALTER TABLE runs DROP CONSTRAINT runs_status_check;
ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN ('queued', 'running', 'finished', 'failed', 'interrupted', 'crashed', 'diverged'));
ALTER TABLE runs ADD COLUMN queued_at DOUBLE PRECISION;
CREATE INDEX runs_by_queue ON runs(queued_at, seq) WHERE queued_at IS NOT NULL;

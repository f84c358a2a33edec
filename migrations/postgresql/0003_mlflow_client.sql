-- PostgreSQL dialect of migrations/0003_mlflow_client.sql. PostgreSQL changes a CHECK
-- constraint in place: no rebuild of runs.

ALTER TABLE runs DROP CONSTRAINT runs_origin_check;
ALTER TABLE runs ADD CONSTRAINT runs_origin_check CHECK (origin IN ('new', 'sweep', 'rerun', 'resume', 'mlflow-client'));

ALTER TABLE experiments ADD COLUMN deleted_at DOUBLE PRECISION;
ALTER TABLE experiments ADD COLUMN updated_at DOUBLE PRECISION;

CREATE TABLE experiment_tags (
    experiment_id  BIGINT NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    key            TEXT COLLATE "C" NOT NULL,
    value          TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (experiment_id, key)
);

CREATE TABLE artifacts (
    run_seq      BIGINT NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    path         TEXT COLLATE "C" NOT NULL,
    blob_sha256  TEXT COLLATE "C" NOT NULL REFERENCES blobs(sha256),
    size         BIGINT NOT NULL,
    created_at   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (run_seq, path)
);
CREATE INDEX artifacts_by_blob ON artifacts(blob_sha256);

-- Runs logged by MLflow clients through `tracker server`: a new origin ('mlflow-client'),
-- the lifecycle and tags MLflow gives experiments, and run artifacts kept as
-- content-addressed blobs (the blobs table), one row a file path.
--
-- SQLite cannot change a CHECK constraint in place, so runs is rebuilt (the documented
-- twelve-step procedure; the migrator runs this with foreign keys off and checks them
-- before committing). Columns, order and indexes are those of 0001.

CREATE TABLE runs_new (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    uuid           TEXT NOT NULL UNIQUE,
    experiment_id  INTEGER NOT NULL REFERENCES experiments(id),
    name           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'interrupted', 'crashed', 'diverged')),
    created_at     REAL NOT NULL,
    started_at     REAL,
    ended_at       REAL,
    seed           INTEGER NOT NULL,
    config         TEXT NOT NULL,
    config_hash    TEXT NOT NULL,
    environment    TEXT NOT NULL,
    parent_seq     INTEGER REFERENCES runs(seq),
    origin         TEXT NOT NULL CHECK (origin IN ('new', 'sweep', 'rerun', 'resume', 'mlflow-client')),
    pid            INTEGER,
    host           TEXT,
    heartbeat_at   REAL,
    deleted_at     REAL
);
INSERT INTO runs_new SELECT seq, id, uuid, experiment_id, name, status, created_at, started_at, ended_at, seed, config,
    config_hash, environment, parent_seq, origin, pid, host, heartbeat_at, deleted_at FROM runs;
DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;
CREATE INDEX runs_by_experiment ON runs(experiment_id, created_at);
CREATE INDEX runs_by_status ON runs(status);
CREATE INDEX runs_by_created ON runs(created_at);
CREATE INDEX runs_by_config_hash ON runs(config_hash);
CREATE INDEX runs_by_parent ON runs(parent_seq);

-- MLflow's experiment lifecycle: deleted experiments are hidden, restorable, names kept.
ALTER TABLE experiments ADD COLUMN deleted_at REAL;
ALTER TABLE experiments ADD COLUMN updated_at REAL;

CREATE TABLE experiment_tags (
    experiment_id  INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    key            TEXT NOT NULL,
    value          TEXT NOT NULL,
    PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;

-- A run's files (`mlflow.log_artifact`): the path under the run's artifact root and the
-- blob holding the bytes, verified against its SHA-256 when read.
CREATE TABLE artifacts (
    run_seq      INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    path         TEXT NOT NULL,
    blob_sha256  TEXT NOT NULL REFERENCES blobs(sha256),
    size         INTEGER NOT NULL,
    created_at   REAL NOT NULL,
    PRIMARY KEY (run_seq, path)
) WITHOUT ROWID;
CREATE INDEX artifacts_by_blob ON artifacts(blob_sha256);

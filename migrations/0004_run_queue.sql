-- Sweeps that agents share (`tracker sweep submit`, `tracker agent`): a new run status
-- ('queued': recorded, waiting for an agent to claim it) and the time a run was queued
-- (`queued_at`, set only on runs an agent may claim, and resume when their agent died).
--
-- SQLite cannot change a CHECK constraint in place, so runs is rebuilt as in 0003 (the
-- migrator runs this with foreign keys off and checks them before committing). Columns,
-- order and indexes are those of 0003, plus queued_at at the end.

CREATE TABLE runs_new (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    uuid           TEXT NOT NULL UNIQUE,
    experiment_id  INTEGER NOT NULL REFERENCES experiments(id),
    name           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('queued', 'running', 'finished', 'failed', 'interrupted', 'crashed', 'diverged')),
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
    deleted_at     REAL,
    queued_at      REAL
);
INSERT INTO runs_new SELECT seq, id, uuid, experiment_id, name, status, created_at, started_at, ended_at, seed, config,
    config_hash, environment, parent_seq, origin, pid, host, heartbeat_at, deleted_at, NULL FROM runs;
DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;
CREATE INDEX runs_by_experiment ON runs(experiment_id, created_at);
CREATE INDEX runs_by_status ON runs(status);
CREATE INDEX runs_by_created ON runs(created_at);
CREATE INDEX runs_by_config_hash ON runs(config_hash);
CREATE INDEX runs_by_parent ON runs(parent_seq);
-- The claim's scan: queued runs in the order they were queued.
CREATE INDEX runs_by_queue ON runs(queued_at, seq) WHERE queued_at IS NOT NULL;

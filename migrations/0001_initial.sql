-- The run record (see DESIGN.md). Runs are keyed internally by an integer `seq` so the
-- large series tables stay compact; users see the short hex `id`.

CREATE TABLE experiments (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  REAL NOT NULL
);

CREATE TABLE runs (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,          -- short id: first 8 hex digits of uuid
    uuid           TEXT NOT NULL UNIQUE,          -- 128-bit random id, hex
    experiment_id  INTEGER NOT NULL REFERENCES experiments(id),
    name           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'interrupted', 'crashed', 'diverged')),
    created_at     REAL NOT NULL,
    started_at     REAL,
    ended_at       REAL,
    seed           INTEGER NOT NULL,
    config         TEXT NOT NULL,                 -- canonical JSON: sorted keys, no whitespace
    config_hash    TEXT NOT NULL,                 -- SHA-256 of config, hex
    environment    TEXT NOT NULL,                 -- JSON object
    parent_seq     INTEGER REFERENCES runs(seq),
    origin         TEXT NOT NULL CHECK (origin IN ('new', 'sweep', 'rerun', 'resume')),
    pid            INTEGER,
    host           TEXT,
    heartbeat_at   REAL,
    deleted_at     REAL                           -- soft delete; purged by `tracker gc`
);
CREATE INDEX runs_by_experiment ON runs(experiment_id, created_at);
CREATE INDEX runs_by_status ON runs(status);
CREATE INDEX runs_by_created ON runs(created_at);
CREATE INDEX runs_by_config_hash ON runs(config_hash);
CREATE INDEX runs_by_parent ON runs(parent_seq);

-- Typed, immutable hyperparameters: the flattened config (`optimizer.lr`) plus derived values.
CREATE TABLE params (
    run_seq     INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    type        TEXT NOT NULL CHECK (type IN ('int', 'real', 'text', 'bool', 'null')),
    value_text  TEXT NOT NULL,                    -- canonical text form
    value_num   REAL,                             -- numeric form of int/real/bool, for comparisons
    PRIMARY KEY (run_seq, key)
) WITHOUT ROWID;
CREATE INDEX params_by_key_num ON params(key, value_num);
CREATE INDEX params_by_key_text ON params(key, value_text);
CREATE TRIGGER params_are_immutable BEFORE UPDATE ON params
BEGIN
    SELECT RAISE(ABORT, 'params are immutable once logged');
END;

CREATE TABLE tags (
    run_seq  INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (run_seq, key)
) WITHOUT ROWID;
CREATE INDEX tags_by_key ON tags(key, value);

-- Interned names: metric keys, parameter tensors, layers, statistics.
CREATE TABLE keys (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
);

-- One row a metric point. NaN is stored as NULL (SQLite binds NaN as NULL); ±Inf are REALs;
-- -0.0 reads back as 0.0.
CREATE TABLE metrics (
    run_seq    INTEGER NOT NULL,
    key_id     INTEGER NOT NULL,
    step       INTEGER NOT NULL,
    epoch      INTEGER,
    value      REAL,
    wall_time  REAL NOT NULL,
    PRIMARY KEY (run_seq, key_id, step)
) WITHOUT ROWID;

-- Summary of each series, kept by the writer, so search never scans series.
CREATE TABLE latest_metrics (
    run_seq     INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    key_id      INTEGER NOT NULL REFERENCES keys(id),
    last_step   INTEGER NOT NULL,
    last_epoch  INTEGER,
    last_value  REAL,
    min_value   REAL,
    min_step    INTEGER,
    max_value   REAL,
    max_step    INTEGER,
    count       INTEGER NOT NULL,
    nan_count   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_seq, key_id)
) WITHOUT ROWID;
CREATE INDEX latest_metrics_by_key ON latest_metrics(key_id, last_value);

-- Gradient statistics per parameter tensor (`layers.3.weight`) and step.
CREATE TABLE grad_stats (
    run_seq       INTEGER NOT NULL,
    tensor_id     INTEGER NOT NULL,
    step          INTEGER NOT NULL,
    epoch         INTEGER,
    l2            REAL,
    mean          REAL,
    std           REAL,
    max_abs       REAL,
    zero_frac     REAL,
    update_ratio  REAL,
    PRIMARY KEY (run_seq, tensor_id, step)
) WITHOUT ROWID;

-- Other named per-layer statistics (dead-ReLU fraction, saturation, weight norm, sparsity).
CREATE TABLE layer_stats (
    run_seq   INTEGER NOT NULL,
    layer_id  INTEGER NOT NULL,
    stat_id   INTEGER NOT NULL,
    step      INTEGER NOT NULL,
    epoch     INTEGER,
    value     REAL,
    PRIMARY KEY (run_seq, layer_id, stat_id, step)
) WITHOUT ROWID;

-- BatchNorm running statistics: float32 little-endian vectors plus summaries.
CREATE TABLE bn_stats (
    run_seq       INTEGER NOT NULL,
    layer_id      INTEGER NOT NULL,
    step          INTEGER NOT NULL,
    epoch         INTEGER,
    running_mean  BLOB NOT NULL,
    running_var   BLOB NOT NULL,
    mean_avg      REAL,
    mean_abs_max  REAL,
    var_avg       REAL,
    var_min       REAL,
    var_max       REAL,
    PRIMARY KEY (run_seq, layer_id, step)
) WITHOUT ROWID;

-- Histograms (e.g. weights per layer per epoch): equal-width bins over [lo, hi], counts as int32 LE.
CREATE TABLE histograms (
    run_seq    INTEGER NOT NULL,
    tensor_id  INTEGER NOT NULL,
    step       INTEGER NOT NULL,
    epoch      INTEGER,
    lo         REAL NOT NULL,
    hi         REAL NOT NULL,
    counts     BLOB NOT NULL,
    PRIMARY KEY (run_seq, tensor_id, step)
) WITHOUT ROWID;

-- Content-addressed blobs; a checkpoint row refers to its blob by SHA-256.
CREATE TABLE blobs (
    sha256  TEXT PRIMARY KEY,
    size    INTEGER NOT NULL,
    data    BLOB NOT NULL
);

CREATE TABLE checkpoints (
    id           INTEGER PRIMARY KEY,
    run_seq      INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    step         INTEGER NOT NULL,
    epoch        INTEGER,
    kind         TEXT NOT NULL CHECK (kind IN ('periodic', 'best', 'last', 'interrupt')),
    blob_sha256  TEXT NOT NULL REFERENCES blobs(sha256),
    size         INTEGER NOT NULL,
    created_at   REAL NOT NULL
);
CREATE INDEX checkpoints_by_run ON checkpoints(run_seq, step);
CREATE INDEX checkpoints_by_blob ON checkpoints(blob_sha256);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    run_seq     INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    step        INTEGER,
    epoch       INTEGER,
    kind        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
    message     TEXT NOT NULL,
    created_at  REAL NOT NULL
);
CREATE INDEX events_by_run ON events(run_seq, id);

-- Loss landscapes around a checkpoint (`tracker landscape`, Li et al. 2018): a plane spanned
-- by two seeded, filter-normalised random directions, or a line between two checkpoints.
-- The grid's values are float64 little-endian, row-major (x outer, y inner), NaN where the
-- loss was not finite; enough provenance to recompute it bit for bit (the checkpoint's
-- SHA-256, the directions' seed, the evaluated subset's fingerprint and the grid).
CREATE TABLE landscapes (
    id                   INTEGER PRIMARY KEY,
    run_seq              INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    kind                 TEXT NOT NULL CHECK (kind IN ('plane', 'line')),
    checkpoint_step      INTEGER NOT NULL,
    checkpoint_kind      TEXT NOT NULL,
    checkpoint_sha256    TEXT NOT NULL,
    -- The line's far end (kind 'line'): another checkpoint of this run or of another run.
    end_run_id           TEXT,
    end_checkpoint_step  INTEGER,
    end_checkpoint_sha256 TEXT,
    normalization        TEXT NOT NULL,
    direction_seed       INTEGER NOT NULL,
    subset_size          INTEGER NOT NULL,
    subset_fingerprint   TEXT NOT NULL,
    grid                 INTEGER NOT NULL,
    span                 REAL NOT NULL,
    loss                 BLOB NOT NULL,
    accuracy             BLOB,
    -- The run's checkpoints projected onto the plane: (step, x, y) float64 triples.
    trajectory           BLOB,
    nonconvex_share      REAL,
    nonconvex_threshold  REAL,
    points_per_second    REAL,
    created_at           REAL NOT NULL
);
CREATE INDEX landscapes_by_run ON landscapes(run_seq, id);

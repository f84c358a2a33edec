-- Min/max summaries of metric series in tiles of 1024 steps, kept by the recorder in the
-- same transaction as the points. Charts of long series (the web UI's first view of a
-- million-point run) read about a thousand tiles instead of every point. Runs recorded
-- before this migration have no tiles and are read point by point.

CREATE TABLE metric_tiles (
    run_seq    INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    key_id     INTEGER NOT NULL REFERENCES keys(id),
    tile       INTEGER NOT NULL,                 -- step >> 10
    count      INTEGER NOT NULL,                 -- points in the tile, NaN included
    min_step   INTEGER,                          -- NULL when every point is NaN
    min_value  REAL,
    max_step   INTEGER,
    max_value  REAL,
    PRIMARY KEY (run_seq, key_id, tile)
) WITHOUT ROWID;

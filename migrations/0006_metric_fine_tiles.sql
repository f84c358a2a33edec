-- A second, finer level of min/max tiles: 64 steps a tile (step >> 6). The 1024-step tiles
-- of migration 2 give a chart enough resolution only from about 512k steps on, so series of
-- 50k–512k points (100k-step runs, the common case) were read point by point. The recorder
-- keeps both levels in the same transaction as the points; a reader takes the coarsest level
-- with enough tiles. Runs recorded before this migration have no fine tiles: their readers
-- use the coarse tiles or the points, as before.

CREATE TABLE metric_fine_tiles (
    run_seq    INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    key_id     INTEGER NOT NULL REFERENCES keys(id),
    tile       INTEGER NOT NULL,                 -- step >> 6
    count      INTEGER NOT NULL,                 -- points in the tile, NaN included
    min_step   INTEGER,                          -- NULL when every point is NaN
    min_value  REAL,
    max_step   INTEGER,
    max_value  REAL,
    PRIMARY KEY (run_seq, key_id, tile)
) WITHOUT ROWID;

-- PostgreSQL dialect of migrations/0002_metric_tiles.sql.

CREATE TABLE metric_tiles (
    run_seq    BIGINT NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
    key_id     BIGINT NOT NULL REFERENCES keys(id),
    tile       BIGINT NOT NULL,
    count      BIGINT NOT NULL,
    min_step   BIGINT,
    min_value  DOUBLE PRECISION,
    max_step   BIGINT,
    max_value  DOUBLE PRECISION,
    PRIMARY KEY (run_seq, key_id, tile)
);

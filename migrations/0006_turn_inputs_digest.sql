-- The digest of each turn's frozen inputs, written with them: later phases and every GM
-- ruling can tell "same inputs as last time" from one short row instead of reading (and
-- hashing) the whole payload, which is megabytes at thousands of pieces. A table of its
-- own, because a column after the payload would sit behind its overflow pages.

-- migrate:up

CREATE TABLE turn_input_digests (
    turn_number INTEGER PRIMARY KEY,
    digest TEXT NOT NULL CHECK (length(digest) = 64),
    FOREIGN KEY (turn_number) REFERENCES turn_inputs(turn_number) ON DELETE CASCADE
);

-- migrate:down

DROP TABLE turn_input_digests;

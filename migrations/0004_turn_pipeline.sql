-- What the turn pipeline keeps between phases: the frozen inputs of a turn (taken when orders
-- close, so later phases replay from exactly what was closed), every monitoring source, each
-- squadron's secondary-monitoring total, and the advance log used to roll an advance back.

-- migrate:up

CREATE TABLE turn_inputs (
    turn_number INTEGER PRIMARY KEY CHECK (turn_number >= 1),
    payload_json TEXT NOT NULL CHECK (json_valid(payload_json)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE monitoring_sources (
    turn_number INTEGER NOT NULL CHECK (turn_number >= 1),
    faction_id TEXT NOT NULL,
    district_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('agent', 'squadron_primary', 'squadron_secondary', 'passive')),
    total INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (turn_number, source_id, district_id),
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE,
    FOREIGN KEY (district_id) REFERENCES districts(id) ON DELETE CASCADE
);
CREATE INDEX idx_monitoring_sources_turn ON monitoring_sources(turn_number);
CREATE INDEX idx_monitoring_sources_faction ON monitoring_sources(faction_id);
CREATE INDEX idx_monitoring_sources_district ON monitoring_sources(district_id);

ALTER TABLE actions ADD COLUMN secondary_total INTEGER;

CREATE TABLE advance_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    gm_id TEXT NOT NULL,
    from_turn INTEGER NOT NULL,
    from_phase TEXT NOT NULL,
    to_turn INTEGER,
    to_phase TEXT,
    backup_path TEXT,
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'rolled_back')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- migrate:down

DROP TABLE advance_log;
ALTER TABLE actions DROP COLUMN secondary_total;
DROP INDEX idx_monitoring_sources_district;
DROP INDEX idx_monitoring_sources_faction;
DROP INDEX idx_monitoring_sources_turn;
DROP TABLE monitoring_sources;
DROP TABLE turn_inputs;

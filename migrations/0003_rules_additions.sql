-- Everything RULES.md's appendix says the seed schema lacks (the RNG seed lives in
-- campaign_settings, 0002).

-- migrate:up

ALTER TABLE actions ADD COLUMN description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 500);
ALTER TABLE actions ADD COLUMN advantage INTEGER NOT NULL DEFAULT 0 CHECK (advantage IN (0, 1));
ALTER TABLE actions ADD COLUMN disadvantage INTEGER NOT NULL DEFAULT 0 CHECK (disadvantage IN (0, 1));
ALTER TABLE actions ADD COLUMN enemy_penalty INTEGER NOT NULL DEFAULT 0 CHECK (enemy_penalty <= 0);
ALTER TABLE actions ADD COLUMN final_total INTEGER;
ALTER TABLE actions ADD COLUMN forfeited INTEGER NOT NULL DEFAULT 0 CHECK (forfeited IN (0, 1));
ALTER TABLE actions ADD COLUMN influence_gained INTEGER NOT NULL DEFAULT 0 CHECK (influence_gained BETWEEN 0 AND 10);
ALTER TABLE actions ADD COLUMN influence_lost INTEGER NOT NULL DEFAULT 0 CHECK (influence_lost BETWEEN 0 AND 10);
ALTER TABLE actions ADD COLUMN target_gained INTEGER NOT NULL DEFAULT 0 CHECK (target_gained BETWEEN 0 AND 10);
ALTER TABLE actions ADD COLUMN target_lost INTEGER NOT NULL DEFAULT 0 CHECK (target_lost BETWEEN 0 AND 10);
ALTER TABLE actions ADD COLUMN gm_notes TEXT;
-- One order per piece per turn; resubmitting replaces it (upsert on this key).
CREATE UNIQUE INDEX uq_actions_turn_piece ON actions(turn_number, piece_type, piece_id);

-- §6.7 special rulings: the GM decides per piece (proceed / fail; a penalty goes in conflict_penalty).
ALTER TABLE conflict_pieces ADD COLUMN ruling TEXT CHECK (ruling IS NULL OR ruling IN ('proceed', 'fail'));

CREATE TABLE penalty_assignments (
    turn_number INTEGER NOT NULL CHECK (turn_number >= 1),
    source_piece_type TEXT NOT NULL CHECK (source_piece_type IN ('agent', 'squadron')),
    source_piece_id TEXT NOT NULL,
    target_piece_type TEXT NOT NULL CHECK (target_piece_type IN ('agent', 'squadron')),
    target_piece_id TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value BETWEEN -4 AND -1),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (turn_number, source_piece_type, source_piece_id, target_piece_type, target_piece_id)
);
CREATE INDEX idx_penalty_assignments_target ON penalty_assignments(turn_number, target_piece_type, target_piece_id);

ALTER TABLE district_rumors ADD COLUMN name TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 100);
ALTER TABLE district_rumors ADD COLUMN initial_dc INTEGER CHECK (initial_dc IS NULL OR initial_dc >= 0);
ALTER TABLE district_rumors ADD COLUMN newspaper_hint TEXT;
ALTER TABLE district_rumors ADD COLUMN newspaper_weight REAL NOT NULL DEFAULT 1.0 CHECK (newspaper_weight >= 0);

ALTER TABLE newspaper_issues ADD COLUMN turn_number INTEGER CHECK (turn_number IS NULL OR turn_number >= 1);
ALTER TABLE newspaper_issues ADD COLUMN published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1));
ALTER TABLE newspaper_issues ADD COLUMN published_at TEXT;

ALTER TABLE newspaper_articles ADD COLUMN author TEXT;
ALTER TABLE newspaper_articles ADD COLUMN contains_hint INTEGER NOT NULL DEFAULT 0 CHECK (contains_hint IN (0, 1));
ALTER TABLE newspaper_articles ADD COLUMN related_rumor_id TEXT REFERENCES district_rumors(id) ON DELETE SET NULL;
ALTER TABLE newspaper_articles ADD COLUMN related_district_id TEXT REFERENCES districts(id) ON DELETE SET NULL;
ALTER TABLE newspaper_articles ADD COLUMN length INTEGER CHECK (length IS NULL OR length >= 0);
ALTER TABLE newspaper_articles ADD COLUMN position INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0);

-- A published issue never changes (RULES.md §10.1).
CREATE TRIGGER trg_newspaper_issue_published_update
BEFORE UPDATE ON newspaper_issues WHEN OLD.published = 1
BEGIN
    SELECT RAISE(ABORT, 'a published newspaper issue cannot change');
END;

CREATE TRIGGER trg_newspaper_issue_published_delete
BEFORE DELETE ON newspaper_issues WHEN OLD.published = 1
BEGIN
    SELECT RAISE(ABORT, 'a published newspaper issue cannot change');
END;

CREATE TRIGGER trg_newspaper_article_published_insert
BEFORE INSERT ON newspaper_articles
WHEN (SELECT published FROM newspaper_issues WHERE id = NEW.issue_id) = 1
BEGIN
    SELECT RAISE(ABORT, 'a published newspaper issue cannot change');
END;

CREATE TRIGGER trg_newspaper_article_published_update
BEFORE UPDATE OF issue_id, section, headline, content, author, contains_hint, length, position
ON newspaper_articles
WHEN (SELECT published FROM newspaper_issues WHERE id = OLD.issue_id) = 1
BEGIN
    SELECT RAISE(ABORT, 'a published newspaper issue cannot change');
END;

CREATE TRIGGER trg_newspaper_article_published_delete
BEFORE DELETE ON newspaper_articles
WHEN (SELECT published FROM newspaper_issues WHERE id = OLD.issue_id) = 1
BEGIN
    SELECT RAISE(ABORT, 'a published newspaper issue cannot change');
END;

CREATE TABLE faction_modifiers (
    id TEXT PRIMARY KEY,
    faction_id TEXT NOT NULL,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    modifier_type TEXT NOT NULL CHECK (modifier_type IN ('commerce', 'muster', 'aristocratic')),
    value INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE
);
CREATE INDEX idx_faction_modifiers_faction ON faction_modifiers(faction_id);

-- End-of-turn influence (phase 12); turn 0 is the starting state (RULES.md §8.11).
CREATE TABLE influence_snapshots (
    turn_number INTEGER NOT NULL CHECK (turn_number >= 0),
    district_id TEXT NOT NULL,
    faction_id TEXT NOT NULL,
    influence_value INTEGER NOT NULL CHECK (influence_value BETWEEN 0 AND 10),
    has_stronghold INTEGER NOT NULL DEFAULT 0 CHECK (has_stronghold IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (turn_number, district_id, faction_id),
    FOREIGN KEY (district_id) REFERENCES districts(id) ON DELETE CASCADE,
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE
);
CREATE INDEX idx_influence_snapshots_district ON influence_snapshots(district_id, turn_number);
CREATE INDEX idx_influence_snapshots_faction ON influence_snapshots(faction_id);

-- Legendary special benefit (§8.11): earned in one turn, delivered when the next orders close.
CREATE TABLE pending_intel (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    earned_turn INTEGER NOT NULL CHECK (earned_turn >= 1),
    faction_id TEXT NOT NULL,
    district_id TEXT NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0 CHECK (delivered IN (0, 1)),
    payload_json TEXT CHECK (payload_json IS NULL OR json_valid(payload_json)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (earned_turn, faction_id, district_id),
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE,
    FOREIGN KEY (district_id) REFERENCES districts(id) ON DELETE CASCADE
);
CREATE INDEX idx_pending_intel_faction ON pending_intel(faction_id);
CREATE INDEX idx_pending_intel_district ON pending_intel(district_id);

-- One report per faction per district per turn (RULES.md §1.1).
CREATE UNIQUE INDEX uq_reports_turn_faction_district
    ON faction_monitoring_reports(turn_number, faction_id, district_id);

-- migrate:down

DROP INDEX uq_reports_turn_faction_district;
DROP TABLE pending_intel;
DROP TABLE influence_snapshots;
DROP TABLE faction_modifiers;

DROP TRIGGER trg_newspaper_article_published_delete;
DROP TRIGGER trg_newspaper_article_published_update;
DROP TRIGGER trg_newspaper_article_published_insert;
DROP TRIGGER trg_newspaper_issue_published_delete;
DROP TRIGGER trg_newspaper_issue_published_update;

-- Columns with foreign keys cannot be dropped: rebuild newspaper_articles as the seed had it
-- (copy out, recreate with the seed's exact text, copy back; a RENAME would store the name
-- quoted, and the schema after this down part must be the one before the up part).
CREATE TEMP TABLE newspaper_articles_seed AS
    SELECT id, issue_id, section, headline, content, created_at, updated_at FROM newspaper_articles;
DROP TABLE newspaper_articles;
CREATE TABLE newspaper_articles (
    id TEXT PRIMARY KEY,
    issue_id TEXT NOT NULL,
    section TEXT NOT NULL,
    headline TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (issue_id) REFERENCES newspaper_issues(id) ON DELETE CASCADE
);
INSERT INTO newspaper_articles (id, issue_id, section, headline, content, created_at, updated_at)
    SELECT id, issue_id, section, headline, content, created_at, updated_at
    FROM temp.newspaper_articles_seed;
DROP TABLE temp.newspaper_articles_seed;
CREATE INDEX idx_newspaper_articles_issue ON newspaper_articles(issue_id);

ALTER TABLE newspaper_issues DROP COLUMN published_at;
ALTER TABLE newspaper_issues DROP COLUMN published;
ALTER TABLE newspaper_issues DROP COLUMN turn_number;

ALTER TABLE district_rumors DROP COLUMN newspaper_weight;
ALTER TABLE district_rumors DROP COLUMN newspaper_hint;
ALTER TABLE district_rumors DROP COLUMN initial_dc;
ALTER TABLE district_rumors DROP COLUMN name;

DROP TABLE penalty_assignments;
ALTER TABLE conflict_pieces DROP COLUMN ruling;

DROP INDEX uq_actions_turn_piece;
ALTER TABLE actions DROP COLUMN gm_notes;
ALTER TABLE actions DROP COLUMN target_lost;
ALTER TABLE actions DROP COLUMN target_gained;
ALTER TABLE actions DROP COLUMN influence_lost;
ALTER TABLE actions DROP COLUMN influence_gained;
ALTER TABLE actions DROP COLUMN forfeited;
ALTER TABLE actions DROP COLUMN final_total;
ALTER TABLE actions DROP COLUMN enemy_penalty;
ALTER TABLE actions DROP COLUMN disadvantage;
ALTER TABLE actions DROP COLUMN advantage;
ALTER TABLE actions DROP COLUMN description;

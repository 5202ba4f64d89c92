-- The seed schema of the desktop app (25 tables), with its mistakes fixed:
-- every ranged value of RULES.md §1.2 has a CHECK, agent CHECKs name real columns,
-- skills and squadron mobility are range-checked, turn_history has a real key,
-- conflict_pieces are keyed by piece type too, influence totals, adjacency symmetry and
-- support toward +2 allies only are guarded by triggers, and every foreign key that a
-- cascade walks has an index.

-- migrate:up

CREATE TABLE districts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    commerce_value INTEGER NOT NULL DEFAULT 0 CHECK (commerce_value BETWEEN 0 AND 10),
    muster_value INTEGER NOT NULL DEFAULT 0 CHECK (muster_value BETWEEN 0 AND 10),
    aristocratic_value INTEGER NOT NULL DEFAULT 0 CHECK (aristocratic_value BETWEEN 0 AND 10),
    preferred_gain_attribute TEXT NOT NULL
        CHECK (preferred_gain_attribute IN ('intellect', 'presence', 'finesse', 'might', 'attunement')),
    preferred_gain_skill TEXT NOT NULL
        CHECK (preferred_gain_skill IN ('infiltration', 'persuasion', 'combat', 'streetwise', 'survival', 'artifice', 'arcana')),
    preferred_gain_squadron_aptitude TEXT NOT NULL
        CHECK (preferred_gain_squadron_aptitude IN ('combat', 'underworld', 'social', 'technical', 'labor', 'arcane', 'wilderness', 'monitoring')),
    preferred_monitor_attribute TEXT NOT NULL
        CHECK (preferred_monitor_attribute IN ('intellect', 'presence', 'finesse', 'might', 'attunement')),
    preferred_monitor_skill TEXT NOT NULL
        CHECK (preferred_monitor_skill IN ('infiltration', 'persuasion', 'combat', 'streetwise', 'survival', 'artifice', 'arcana')),
    preferred_monitor_squadron_aptitude TEXT NOT NULL DEFAULT 'monitoring'
        CHECK (preferred_monitor_squadron_aptitude IN ('combat', 'underworld', 'social', 'technical', 'labor', 'arcane', 'wilderness', 'monitoring')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_districts_name ON districts(name);

CREATE TABLE factions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    monitoring_bonus INTEGER NOT NULL DEFAULT 0 CHECK (monitoring_bonus BETWEEN -5 AND 5),
    color TEXT NOT NULL DEFAULT '#3498db'
        CHECK (length(color) = 7 AND color GLOB '#[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]'),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_factions_name ON factions(name);

CREATE TABLE district_influence (
    district_id TEXT NOT NULL,
    faction_id TEXT NOT NULL,
    influence_value INTEGER NOT NULL DEFAULT 0 CHECK (influence_value BETWEEN 0 AND 10),
    has_stronghold BOOLEAN NOT NULL DEFAULT 0 CHECK (has_stronghold IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (district_id, faction_id),
    FOREIGN KEY (district_id) REFERENCES districts(id) ON DELETE CASCADE,
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE
);
CREATE INDEX idx_district_influence_district ON district_influence(district_id);
CREATE INDEX idx_district_influence_faction ON district_influence(faction_id);

-- A district has exactly 10 slots: the sum over factions may never exceed 10.
CREATE TRIGGER trg_district_influence_total_insert
BEFORE INSERT ON district_influence
WHEN NEW.influence_value + (
    SELECT COALESCE(SUM(influence_value), 0) FROM district_influence
    WHERE district_id = NEW.district_id AND faction_id <> NEW.faction_id
) > 10
BEGIN
    SELECT RAISE(ABORT, 'district influence total exceeds 10');
END;

CREATE TRIGGER trg_district_influence_total_update
BEFORE UPDATE OF influence_value, district_id, faction_id ON district_influence
WHEN NEW.influence_value + (
    SELECT COALESCE(SUM(influence_value), 0) FROM district_influence
    WHERE district_id = NEW.district_id AND faction_id <> NEW.faction_id
) > 10
BEGIN
    SELECT RAISE(ABORT, 'district influence total exceeds 10');
END;

CREATE TABLE district_likeability (
    district_id TEXT NOT NULL,
    faction_id TEXT NOT NULL,
    likeability_value INTEGER NOT NULL DEFAULT 0 CHECK (likeability_value BETWEEN -5 AND 5),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (district_id, faction_id),
    FOREIGN KEY (district_id) REFERENCES districts(id) ON DELETE CASCADE,
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE
);
CREATE INDEX idx_district_likeability_faction ON district_likeability(faction_id);

CREATE TABLE faction_relationships (
    faction_id TEXT NOT NULL,
    target_faction_id TEXT NOT NULL,
    relationship_value INTEGER NOT NULL DEFAULT 0 CHECK (relationship_value BETWEEN -2 AND 2),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (faction_id, target_faction_id),
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE,
    FOREIGN KEY (target_faction_id) REFERENCES factions(id) ON DELETE CASCADE,
    CHECK (faction_id != target_faction_id)
);
CREATE INDEX idx_faction_relationships_faction ON faction_relationships(faction_id);
CREATE INDEX idx_faction_relationships_target ON faction_relationships(target_faction_id);

CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    faction_id TEXT,
    attunement INTEGER NOT NULL DEFAULT 0 CHECK (attunement BETWEEN 0 AND 5),
    intellect INTEGER NOT NULL DEFAULT 0 CHECK (intellect BETWEEN 0 AND 5),
    finesse INTEGER NOT NULL DEFAULT 0 CHECK (finesse BETWEEN 0 AND 5),
    might INTEGER NOT NULL DEFAULT 0 CHECK (might BETWEEN 0 AND 5),
    presence INTEGER NOT NULL DEFAULT 0 CHECK (presence BETWEEN 0 AND 5),
    arcana INTEGER NOT NULL DEFAULT 0 CHECK (arcana BETWEEN 0 AND 5),
    artifice INTEGER NOT NULL DEFAULT 0 CHECK (artifice BETWEEN 0 AND 5),
    combat INTEGER NOT NULL DEFAULT 0 CHECK (combat BETWEEN 0 AND 5),
    infiltration INTEGER NOT NULL DEFAULT 0 CHECK (infiltration BETWEEN 0 AND 5),
    streetwise INTEGER NOT NULL DEFAULT 0 CHECK (streetwise BETWEEN 0 AND 5),
    survival INTEGER NOT NULL DEFAULT 0 CHECK (survival BETWEEN 0 AND 5),
    persuasion INTEGER NOT NULL DEFAULT 0 CHECK (persuasion BETWEEN 0 AND 5),
    district_id TEXT,
    assignment TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE SET NULL,
    FOREIGN KEY (district_id) REFERENCES districts(id) ON DELETE SET NULL
);
CREATE INDEX idx_agents_faction ON agents(faction_id);
CREATE INDEX idx_agents_district ON agents(district_id);
CREATE INDEX idx_agents_name ON agents(name);

CREATE TABLE squadrons (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    faction_id TEXT,
    type TEXT NOT NULL DEFAULT '',
    mobility INTEGER NOT NULL DEFAULT 0 CHECK (mobility BETWEEN 0 AND 5),
    combat_aptitude INTEGER NOT NULL DEFAULT -1 CHECK (combat_aptitude BETWEEN -3 AND 5),
    underworld_aptitude INTEGER NOT NULL DEFAULT -1 CHECK (underworld_aptitude BETWEEN -3 AND 5),
    social_aptitude INTEGER NOT NULL DEFAULT -1 CHECK (social_aptitude BETWEEN -3 AND 5),
    technical_aptitude INTEGER NOT NULL DEFAULT -1 CHECK (technical_aptitude BETWEEN -3 AND 5),
    labor_aptitude INTEGER NOT NULL DEFAULT -1 CHECK (labor_aptitude BETWEEN -3 AND 5),
    arcane_aptitude INTEGER NOT NULL DEFAULT -1 CHECK (arcane_aptitude BETWEEN -3 AND 5),
    wilderness_aptitude INTEGER NOT NULL DEFAULT -1 CHECK (wilderness_aptitude BETWEEN -3 AND 5),
    monitoring_aptitude INTEGER NOT NULL DEFAULT -1 CHECK (monitoring_aptitude BETWEEN -3 AND 5),
    district_id TEXT,
    assignment TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE SET NULL,
    FOREIGN KEY (district_id) REFERENCES districts(id) ON DELETE SET NULL
);
CREATE INDEX idx_squadrons_faction ON squadrons(faction_id);
CREATE INDEX idx_squadrons_district ON squadrons(district_id);
CREATE INDEX idx_squadrons_name ON squadrons(name);

CREATE TABLE district_rumors (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL,
    rumor_text TEXT NOT NULL,
    discovery_dc INTEGER NOT NULL CHECK (discovery_dc >= 0),
    is_discovered BOOLEAN NOT NULL DEFAULT 0 CHECK (is_discovered IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (district_id) REFERENCES districts(id) ON DELETE CASCADE
);
CREATE INDEX idx_district_rumors_district ON district_rumors(district_id);
CREATE INDEX idx_district_rumors_dc ON district_rumors(discovery_dc);

-- discovered_on holds the turn number of the discovery (RULES.md §8.13).
CREATE TABLE faction_known_rumors (
    faction_id TEXT NOT NULL,
    rumor_id TEXT NOT NULL,
    discovered_on INTEGER NOT NULL CHECK (discovered_on >= 0),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (faction_id, rumor_id),
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE,
    FOREIGN KEY (rumor_id) REFERENCES district_rumors(id) ON DELETE CASCADE
);
CREATE INDEX idx_faction_known_rumors_rumor ON faction_known_rumors(rumor_id);

CREATE TABLE district_adjacency (
    district_id TEXT NOT NULL,
    adjacent_district_id TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (district_id, adjacent_district_id),
    FOREIGN KEY (district_id) REFERENCES districts(id) ON DELETE CASCADE,
    FOREIGN KEY (adjacent_district_id) REFERENCES districts(id) ON DELETE CASCADE,
    CHECK (district_id != adjacent_district_id)
);
CREATE INDEX idx_district_adjacency_adjacent ON district_adjacency(adjacent_district_id);

-- Adjacency is symmetric (RULES.md §1.1): the database keeps both directions itself.
CREATE TRIGGER trg_district_adjacency_mirror_insert
AFTER INSERT ON district_adjacency
BEGIN
    INSERT OR IGNORE INTO district_adjacency (district_id, adjacent_district_id)
    VALUES (NEW.adjacent_district_id, NEW.district_id);
END;

CREATE TRIGGER trg_district_adjacency_mirror_delete
AFTER DELETE ON district_adjacency
BEGIN
    DELETE FROM district_adjacency
    WHERE district_id = OLD.adjacent_district_id AND adjacent_district_id = OLD.district_id;
END;

-- An edited row would leave its mirror behind: adjacency changes by delete and insert only.
CREATE TRIGGER trg_district_adjacency_no_update
BEFORE UPDATE ON district_adjacency
BEGIN
    SELECT RAISE(ABORT, 'adjacency rows are not edited: remove the pair and add the new one');
END;

-- The one 'weekly_dc' row per district holds the random-walk value (-2..+2).
CREATE TABLE district_modifiers (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL,
    modifier_type TEXT NOT NULL,
    modifier_value INTEGER NOT NULL,
    expires_on INTEGER CHECK (expires_on IS NULL OR expires_on >= 0),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (district_id) REFERENCES districts(id) ON DELETE CASCADE,
    CHECK (modifier_type <> 'weekly_dc' OR (modifier_value BETWEEN -2 AND 2 AND expires_on IS NULL))
);
CREATE INDEX idx_district_modifiers_district ON district_modifiers(district_id);
CREATE UNIQUE INDEX uq_district_modifiers_weekly ON district_modifiers(district_id)
    WHERE modifier_type = 'weekly_dc';

CREATE TABLE faction_resources (
    faction_id TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_value INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (faction_id, resource_type),
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE
);

CREATE TABLE game_state (
    id TEXT PRIMARY KEY DEFAULT 'current' CHECK (id = 'current'),
    current_turn INTEGER NOT NULL DEFAULT 1 CHECK (current_turn >= 1),
    current_phase TEXT NOT NULL DEFAULT 'preparation' CHECK (current_phase IN (
        'preparation', 'influence_decay', 'assignment', 'conflict_detection', 'action_roll',
        'conflict_resolution', 'action_resolution', 'random_walk', 'monitoring',
        'passive_monitoring', 'rumor_dc_update', 'map_update', 'turn_completion')),
    last_updated TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    campaign_name TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The seed keyed this by (turn, phase, created_at), which collides when several lines share
-- a timestamp; an autoincrement id keeps every line and their order.
CREATE TABLE turn_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    turn_number INTEGER NOT NULL CHECK (turn_number >= 0),
    phase TEXT NOT NULL,
    action_description TEXT NOT NULL,
    result_description TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_turn_history_turn ON turn_history(turn_number);

CREATE TABLE faction_monitoring_reports (
    id TEXT PRIMARY KEY,
    faction_id TEXT NOT NULL,
    district_id TEXT NOT NULL,
    turn_number INTEGER NOT NULL CHECK (turn_number >= 1),
    report_json TEXT NOT NULL CHECK (json_valid(report_json)),
    confidence_rating INTEGER NOT NULL CHECK (confidence_rating BETWEEN 1 AND 10),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE,
    FOREIGN KEY (district_id) REFERENCES districts(id) ON DELETE CASCADE
);
CREATE INDEX idx_reports_faction ON faction_monitoring_reports(faction_id);
CREATE INDEX idx_reports_district ON faction_monitoring_reports(district_id);
CREATE INDEX idx_reports_turn ON faction_monitoring_reports(turn_number);

CREATE TABLE map_configuration (
    id TEXT PRIMARY KEY DEFAULT 'current' CHECK (id = 'current'),
    base_map_path TEXT,
    map_width INTEGER CHECK (map_width IS NULL OR map_width > 0),
    map_height INTEGER CHECK (map_height IS NULL OR map_height > 0),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE district_shapes (
    district_id TEXT NOT NULL,
    shape_data TEXT NOT NULL CHECK (json_valid(shape_data)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (district_id),
    FOREIGN KEY (district_id) REFERENCES districts(id) ON DELETE CASCADE
);

CREATE TABLE newspaper_issues (
    id TEXT PRIMARY KEY,
    issue_number INTEGER NOT NULL UNIQUE CHECK (issue_number >= 1),
    publication_date TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_newspaper_issue_number ON newspaper_issues(issue_number);

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
CREATE INDEX idx_newspaper_articles_issue ON newspaper_articles(issue_id);

CREATE TABLE actions (
    id TEXT PRIMARY KEY,
    turn_number INTEGER NOT NULL CHECK (turn_number >= 1),
    piece_id TEXT NOT NULL,
    piece_type TEXT NOT NULL CHECK (piece_type IN ('agent', 'squadron')),
    faction_id TEXT NOT NULL,
    district_id TEXT NOT NULL,
    action_type TEXT NOT NULL CHECK (action_type IN (
        'monitor', 'gain_influence', 'take_influence', 'freeform', 'initiate_conflict')),
    target_faction_id TEXT,
    attribute_used TEXT
        CHECK (attribute_used IS NULL OR attribute_used IN ('intellect', 'presence', 'finesse', 'might', 'attunement')),
    skill_used TEXT
        CHECK (skill_used IS NULL OR skill_used IN ('infiltration', 'persuasion', 'combat', 'streetwise', 'survival', 'artifice', 'arcana')),
    aptitude_used TEXT
        CHECK (aptitude_used IS NULL OR aptitude_used IN ('combat', 'underworld', 'social', 'technical', 'labor', 'arcane', 'wilderness', 'monitoring')),
    dc INTEGER,
    manual_modifier INTEGER NOT NULL DEFAULT 0 CHECK (manual_modifier BETWEEN -10 AND 10),
    roll_result INTEGER,
    outcome_tier TEXT CHECK (outcome_tier IS NULL OR outcome_tier IN (
        'critical_failure', 'failure', 'success', 'critical_success',
        'legendary', 'exceptional', 'very_good', 'good', 'average', 'poor', 'very_poor', 'abysmal')),
    in_conflict INTEGER NOT NULL DEFAULT 0 CHECK (in_conflict IN (0, 1)),
    conflict_id TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (faction_id) REFERENCES factions (id) ON DELETE CASCADE,
    FOREIGN KEY (district_id) REFERENCES districts (id) ON DELETE CASCADE,
    FOREIGN KEY (target_faction_id) REFERENCES factions (id) ON DELETE SET NULL,
    -- GM-set DCs (freeform, initiate_conflict) are 5..30; monitor has none; influence DCs are computed.
    CHECK (dc IS NULL OR action_type IN ('gain_influence', 'take_influence') OR
           (action_type IN ('freeform', 'initiate_conflict') AND dc BETWEEN 5 AND 30)),
    CHECK (target_faction_id IS NULL OR target_faction_id <> faction_id)
);

CREATE TABLE decay_results (
    id TEXT PRIMARY KEY,
    turn_number INTEGER NOT NULL CHECK (turn_number >= 1),
    district_id TEXT NOT NULL,
    faction_id TEXT NOT NULL,
    influence_change INTEGER NOT NULL CHECK (influence_change BETWEEN -10 AND 0),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (district_id) REFERENCES districts (id) ON DELETE CASCADE,
    FOREIGN KEY (faction_id) REFERENCES factions (id) ON DELETE CASCADE
);
CREATE INDEX idx_decay_results_turn ON decay_results(turn_number);
CREATE INDEX idx_decay_results_district ON decay_results(district_id);
CREATE INDEX idx_decay_results_faction ON decay_results(faction_id);

CREATE INDEX idx_actions_turn ON actions(turn_number);
CREATE INDEX idx_actions_faction ON actions(faction_id);
CREATE INDEX idx_actions_district ON actions(district_id);
CREATE INDEX idx_actions_piece_id ON actions(piece_id);
CREATE INDEX idx_actions_target_faction ON actions(target_faction_id);

CREATE TABLE conflicts (
    id TEXT PRIMARY KEY,
    turn_number INTEGER NOT NULL CHECK (turn_number >= 1),
    district_id TEXT NOT NULL,
    conflict_type TEXT NOT NULL CHECK (conflict_type IN ('manual_initiate', 'relationship', 'target', 'adjacent')),
    detection_source TEXT NOT NULL,
    resolution_status TEXT NOT NULL DEFAULT 'pending' CHECK (resolution_status IN ('pending', 'resolved')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (district_id) REFERENCES districts(id) ON DELETE CASCADE
);
CREATE INDEX idx_conflicts_turn ON conflicts(turn_number);
CREATE INDEX idx_conflicts_district ON conflicts(district_id);
CREATE INDEX idx_conflicts_status ON conflicts(resolution_status);

CREATE TABLE conflict_factions (
    conflict_id TEXT NOT NULL,
    faction_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('initiator', 'target', 'ally', 'adjacent')),
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('win', 'loss', 'draw')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (conflict_id, faction_id),
    FOREIGN KEY (conflict_id) REFERENCES conflicts(id) ON DELETE CASCADE,
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE
);
CREATE INDEX idx_conflict_factions_conflict ON conflict_factions(conflict_id);
CREATE INDEX idx_conflict_factions_faction ON conflict_factions(faction_id);

-- Keyed by piece type too: an agent and a squadron may share an id string.
CREATE TABLE conflict_pieces (
    conflict_id TEXT NOT NULL,
    piece_id TEXT NOT NULL,
    piece_type TEXT NOT NULL CHECK (piece_type IN ('agent', 'squadron')),
    faction_id TEXT NOT NULL,
    participation_type TEXT NOT NULL CHECK (participation_type IN ('direct', 'adjacent', 'ally_support')),
    original_action_type TEXT NOT NULL CHECK (original_action_type IN (
        'monitor', 'gain_influence', 'take_influence', 'freeform', 'initiate_conflict')),
    original_action_id TEXT NOT NULL,
    roll_result INTEGER,
    outcome_tier TEXT CHECK (outcome_tier IS NULL OR outcome_tier IN (
        'critical_failure', 'failure', 'success', 'critical_success',
        'legendary', 'exceptional', 'very_good', 'good', 'average', 'poor', 'very_poor', 'abysmal')),
    conflict_penalty INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (conflict_id, piece_type, piece_id),
    FOREIGN KEY (conflict_id) REFERENCES conflicts(id) ON DELETE CASCADE,
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE
);
CREATE INDEX idx_conflict_pieces_conflict ON conflict_pieces(conflict_id);
CREATE INDEX idx_conflict_pieces_piece ON conflict_pieces(piece_id);
CREATE INDEX idx_conflict_pieces_faction ON conflict_pieces(faction_id);

CREATE TABLE conflict_resolutions (
    conflict_id TEXT PRIMARY KEY,
    resolution_type TEXT NOT NULL CHECK (resolution_type IN ('win', 'loss', 'draw', 'special')),
    resolution_notes TEXT,
    resolved_by TEXT NOT NULL,
    resolved_at TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (conflict_id) REFERENCES conflicts(id) ON DELETE CASCADE
);
CREATE INDEX idx_conflict_resolutions_conflict ON conflict_resolutions(conflict_id);

CREATE TABLE faction_support_status (
    turn_number INTEGER NOT NULL CHECK (turn_number >= 1),
    declaring_faction_id TEXT NOT NULL,
    target_faction_id TEXT NOT NULL,
    will_support BOOLEAN NOT NULL DEFAULT 0 CHECK (will_support IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (turn_number, declaring_faction_id, target_faction_id),
    FOREIGN KEY (declaring_faction_id) REFERENCES factions(id) ON DELETE CASCADE,
    FOREIGN KEY (target_faction_id) REFERENCES factions(id) ON DELETE CASCADE,
    CHECK (declaring_faction_id <> target_faction_id)
);
CREATE INDEX idx_faction_support_turn ON faction_support_status(turn_number);
CREATE INDEX idx_faction_support_declaring ON faction_support_status(declaring_faction_id);
CREATE INDEX idx_faction_support_target ON faction_support_status(target_faction_id);

-- RULES.md §1.2/§6.4: will_support may be true only toward a +2 ally (both directions +2,
-- a missing row counting 0). The repository checks first; this backs it up.
CREATE TRIGGER trg_faction_support_ally_insert
BEFORE INSERT ON faction_support_status
WHEN NEW.will_support = 1 AND (
    SELECT COUNT(*) FROM faction_relationships WHERE relationship_value = 2 AND (
        (faction_id = NEW.declaring_faction_id AND target_faction_id = NEW.target_faction_id) OR
        (faction_id = NEW.target_faction_id AND target_faction_id = NEW.declaring_faction_id))
) < 2
BEGIN
    SELECT RAISE(ABORT, 'support may be declared only toward a +2 ally');
END;

CREATE TRIGGER trg_faction_support_ally_update
BEFORE UPDATE OF will_support, declaring_faction_id, target_faction_id ON faction_support_status
WHEN NEW.will_support = 1 AND (
    SELECT COUNT(*) FROM faction_relationships WHERE relationship_value = 2 AND (
        (faction_id = NEW.declaring_faction_id AND target_faction_id = NEW.target_faction_id) OR
        (faction_id = NEW.target_faction_id AND target_faction_id = NEW.declaring_faction_id))
) < 2
BEGIN
    SELECT RAISE(ABORT, 'support may be declared only toward a +2 ally');
END;

-- migrate:down

DROP TABLE faction_support_status;
DROP TABLE conflict_resolutions;
DROP TABLE conflict_pieces;
DROP TABLE conflict_factions;
DROP TABLE conflicts;
DROP TABLE decay_results;
DROP TABLE actions;
DROP TABLE newspaper_articles;
DROP TABLE newspaper_issues;
DROP TABLE district_shapes;
DROP TABLE map_configuration;
DROP TABLE faction_monitoring_reports;
DROP TABLE turn_history;
DROP TABLE game_state;
DROP TABLE faction_resources;
DROP TABLE district_modifiers;
DROP TABLE district_adjacency;
DROP TABLE faction_known_rumors;
DROP TABLE district_rumors;
DROP TABLE squadrons;
DROP TABLE agents;
DROP TABLE faction_relationships;
DROP TABLE district_likeability;
DROP TABLE district_influence;
DROP TABLE factions;
DROP TABLE districts;

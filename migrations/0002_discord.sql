-- What the Discord bot needs beyond the seed: campaign settings (incl. the RNG seed),
-- Discord membership of factions, private channels, and the delivery outbox.

-- migrate:up

-- Singleton. The RNG seed is an unsigned 64-bit integer (RULES.md §9); SQLite INTEGER is
-- signed, so it is stored as its decimal text.
CREATE TABLE campaign_settings (
    id TEXT PRIMARY KEY DEFAULT 'current' CHECK (id = 'current'),
    guild_id INTEGER,
    gm_role_id INTEGER,
    gm_channel_id INTEGER,
    news_channel_id INTEGER,
    campaign_name TEXT NOT NULL DEFAULT '' CHECK (length(campaign_name) <= 100),
    rng_seed TEXT CHECK (rng_seed IS NULL OR (
        length(rng_seed) BETWEEN 1 AND 20 AND rng_seed NOT GLOB '*[^0-9]*'
        AND (length(rng_seed) < 20 OR rng_seed <= '18446744073709551615'))),
    turn_deadline TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One database per campaign, so a user id as primary key means "at most one faction".
CREATE TABLE faction_members (
    user_id INTEGER PRIMARY KEY,
    faction_id TEXT NOT NULL,
    is_leader BOOLEAN NOT NULL DEFAULT 0 CHECK (is_leader IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE
);
CREATE INDEX idx_faction_members_faction ON faction_members(faction_id);

CREATE TABLE faction_channels (
    faction_id TEXT PRIMARY KEY,
    channel_id INTEGER NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE
);

-- Written in the same transaction as the turn results; dedupe_key makes a resumed turn idempotent.
CREATE TABLE delivery_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    turn_number INTEGER NOT NULL CHECK (turn_number >= 0),
    kind TEXT NOT NULL CHECK (kind IN (
        'faction_report', 'piece_results', 'gm_summary', 'legendary_intel', 'faction_map',
        'conflict_report', 'newspaper', 'notice')),
    faction_id TEXT,
    recipient_type TEXT NOT NULL CHECK (recipient_type IN ('user', 'channel', 'faction')),
    recipient_id INTEGER,
    payload_json TEXT NOT NULL CHECK (json_valid(payload_json)),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'failed', 'undeliverable')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error TEXT,
    dedupe_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    delivered_at TEXT,
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE,
    CHECK (recipient_type = 'faction' OR recipient_id IS NOT NULL),
    CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);
CREATE INDEX idx_delivery_outbox_status ON delivery_outbox(status);
CREATE INDEX idx_delivery_outbox_turn ON delivery_outbox(turn_number);
CREATE INDEX idx_delivery_outbox_faction ON delivery_outbox(faction_id);

-- migrate:down

DROP TABLE delivery_outbox;
DROP TABLE faction_channels;
DROP TABLE faction_members;
DROP TABLE campaign_settings;

-- The newspaper service's needs (RULES.md §10.1): a flag on a proposed article whose rumor
-- had no usable hint (publishing refuses until the GM rewrites it, [D-33]), and the
-- distribution record of a published issue (one row per faction it was sent to).

-- migrate:up

ALTER TABLE newspaper_articles ADD COLUMN needs_rewrite INTEGER NOT NULL DEFAULT 0
    CHECK (needs_rewrite IN (0, 1));

-- The 0003 trigger lists the columns it guards; the new one is guarded the same way.
CREATE TRIGGER trg_newspaper_article_published_rewrite
BEFORE UPDATE OF needs_rewrite ON newspaper_articles
WHEN (SELECT published FROM newspaper_issues WHERE id = OLD.issue_id) = 1
BEGIN
    SELECT RAISE(ABORT, 'a published newspaper issue cannot change');
END;

CREATE TABLE newspaper_distribution (
    issue_id TEXT NOT NULL,
    faction_id TEXT NOT NULL,
    turn_number INTEGER CHECK (turn_number IS NULL OR turn_number >= 1),
    distributed_at TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (issue_id, faction_id),
    FOREIGN KEY (issue_id) REFERENCES newspaper_issues(id) ON DELETE CASCADE,
    FOREIGN KEY (faction_id) REFERENCES factions(id) ON DELETE CASCADE
);
CREATE INDEX idx_newspaper_distribution_faction ON newspaper_distribution(faction_id);

-- Only a published issue is distributed, and a distribution record is never rewritten.
CREATE TRIGGER trg_newspaper_distribution_published_only
BEFORE INSERT ON newspaper_distribution
WHEN (SELECT published FROM newspaper_issues WHERE id = NEW.issue_id) IS NOT 1
BEGIN
    SELECT RAISE(ABORT, 'only a published newspaper issue can be distributed');
END;

CREATE TRIGGER trg_newspaper_distribution_no_update
BEFORE UPDATE ON newspaper_distribution
BEGIN
    SELECT RAISE(ABORT, 'a published newspaper issue cannot change');
END;

-- migrate:down

DROP TRIGGER trg_newspaper_distribution_no_update;
DROP TRIGGER trg_newspaper_distribution_published_only;
DROP INDEX idx_newspaper_distribution_faction;
DROP TABLE newspaper_distribution;
DROP TRIGGER trg_newspaper_article_published_rewrite;
ALTER TABLE newspaper_articles DROP COLUMN needs_rewrite;

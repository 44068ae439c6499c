-- Adjustments proposed by a clerk (经办人) and published by a reviewer (审核人); the draft is
-- owned by the agency that gives (or, for a new power, receives) the item.
CREATE TABLE power_drafts (
    id            INTEGER PRIMARY KEY,
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    summary       TEXT NOT NULL,
    batch         TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft','published','rejected')),
    drafted_by    INTEGER NOT NULL REFERENCES users(id),
    drafted_at    TEXT NOT NULL,
    reviewed_by   INTEGER REFERENCES users(id),
    reviewed_at   TEXT,
    review_note   TEXT
);
CREATE INDEX power_drafts_status ON power_drafts(status, agency_id);

-- Requests loaded from an office's ledger of earlier years (issue 5 part 6) carry their closing
-- date and report row instead of a timeline of events: origin 'ledger'. The queue shows only
-- requests handled here (origin 'case').
ALTER TABLE foi_requests ADD COLUMN origin TEXT NOT NULL DEFAULT 'case' CHECK (origin IN ('case','ledger'));
ALTER TABLE foi_requests ADD COLUMN ledger_closed_on TEXT;
ALTER TABLE foi_requests ADD COLUMN ledger_row TEXT;

-- 行政复议 and 行政诉讼 about a request (spec/foi.md §14): one record per reconsideration or
-- suit; a dispute that went through reconsideration and then to court is two records. Result is
-- empty while pending.
CREATE TABLE foi_disputes (
    id               INTEGER PRIMARY KEY,
    request_id       INTEGER NOT NULL REFERENCES foi_requests(id),
    route            TEXT NOT NULL CHECK (route IN ('reconsideration','direct_suit','suit_after_reconsideration')),
    filed_on         TEXT NOT NULL,
    concluded_on     TEXT,
    result           TEXT CHECK (result IN ('upheld','corrected','other')),
    recorded_by      INTEGER REFERENCES users(id),
    recorded_at      TEXT NOT NULL,
    CHECK ((concluded_on IS NULL) = (result IS NULL))
);
CREATE INDEX foi_disputes_request ON foi_disputes(request_id);

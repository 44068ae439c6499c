-- Decisions to charge the 信息处理费 (spec/foi.md §5): taken by staff, never automatic, with the
-- approver recorded. One decision per request, so one method per application (charging both is
-- forbidden). The amount is computed by fazhi from the bands in force, never typed in.
CREATE TABLE foi_fee_decisions (
    id               INTEGER PRIMARY KEY,
    request_id       INTEGER NOT NULL UNIQUE REFERENCES foi_requests(id),
    method           TEXT NOT NULL CHECK (method IN ('per_application','per_page')),
    quantity         INTEGER NOT NULL,
    amount_yuan      INTEGER NOT NULL,
    decided_on       TEXT NOT NULL,
    approved_by      INTEGER REFERENCES users(id),
    approver_name    TEXT NOT NULL,
    recorded_at      TEXT NOT NULL
);

-- Delivery of the written answer (spec/foi.md §1 `answered_on`: delivery evidence is stored with
-- it): how and when the reply reached the applicant, with a reference such as a postal tracking
-- number. A reply sent again is another row.
CREATE TABLE foi_deliveries (
    id               INTEGER PRIMARY KEY,
    request_id       INTEGER NOT NULL REFERENCES foi_requests(id),
    method           TEXT NOT NULL,
    delivered_on     TEXT NOT NULL,
    reference        TEXT NOT NULL,
    recorded_by      INTEGER REFERENCES users(id),
    recorded_at      TEXT NOT NULL
);
CREATE INDEX foi_deliveries_request ON foi_deliveries(request_id);

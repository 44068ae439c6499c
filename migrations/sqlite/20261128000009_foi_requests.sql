-- 依申请公开 requests (spec/foi.md §1) and the events of their clock (§3). The due date is never
-- stored: it is derived from the events and the calendar. Applicant name and contact are personal
-- data, shown only to staff with a grant on the handling agency.
CREATE TABLE foi_requests (
    id               INTEGER PRIMARY KEY,
    case_number      TEXT NOT NULL UNIQUE,
    agency_id        INTEGER NOT NULL REFERENCES agencies(id),
    channel          TEXT NOT NULL CHECK (channel IN ('in_person','post','letter_unsigned','online','fax')),
    arrived_on       TEXT NOT NULL,
    confirmed_on     TEXT,
    received_on      TEXT NOT NULL,
    applicant_type   TEXT NOT NULL,
    applicant_name   TEXT NOT NULL,
    contact          TEXT NOT NULL,
    description      TEXT NOT NULL,
    purpose          TEXT NOT NULL,
    form_requested   TEXT NOT NULL,
    created_by       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL
);
CREATE INDEX foi_requests_agency ON foi_requests(agency_id, received_on);

CREATE TABLE foi_events (
    id               INTEGER PRIMARY KEY,
    request_id       INTEGER NOT NULL REFERENCES foi_requests(id),
    seq              INTEGER NOT NULL,
    event            TEXT NOT NULL,
    recorded_by      INTEGER REFERENCES users(id),
    recorded_at      TEXT NOT NULL,
    UNIQUE (request_id, seq)
);

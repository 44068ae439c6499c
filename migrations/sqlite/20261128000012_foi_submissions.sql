-- Applications sent on the public form (互联网渠道). An online application is received on the day
-- both sides confirm it (Art 31), so a submission becomes a request, with its clock, only when
-- staff record that confirmation. The applicant follows it with a secret link of which only the
-- SHA-256 is stored; the same form sent twice carries the same secret and finds the same row.
CREATE TABLE foi_submissions (
    id               INTEGER PRIMARY KEY,
    agency_id        INTEGER NOT NULL REFERENCES agencies(id),
    submitted_at     TEXT NOT NULL,
    submitted_on     TEXT NOT NULL,
    applicant_type   TEXT NOT NULL,
    applicant_name   TEXT NOT NULL,
    contact          TEXT NOT NULL,
    description      TEXT NOT NULL,
    purpose          TEXT NOT NULL,
    form_requested   TEXT NOT NULL,
    tracking_hash    TEXT NOT NULL UNIQUE,
    request_id       INTEGER REFERENCES foi_requests(id),
    confirmation     TEXT,
    confirmed_by     INTEGER REFERENCES users(id)
);
CREATE INDEX foi_submissions_agency ON foi_submissions(agency_id, request_id);

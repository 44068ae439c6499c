-- 网民留言 (spec/openness.md §6): messages from the 市长信箱 form or forwarded from other
-- platforms (with their reference), each with the agency handling it, its reply deadline (the
-- channel's period in working days from receipt, kept as computed), whether it is one to
-- answer, the reply, and — when published — the question and reply as the public reads them,
-- with personal data taken out. The sender follows the message with a secret link (only its
-- SHA-256 is stored). Transfers between agencies are kept in order.
CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    channel          TEXT NOT NULL,
    source_ref       TEXT NOT NULL,
    received_on      TEXT NOT NULL,
    sender_name      TEXT NOT NULL,
    sender_contact   TEXT NOT NULL,
    category         TEXT NOT NULL,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    agency_id        INTEGER NOT NULL REFERENCES agencies(id),
    due_on           TEXT NOT NULL,
    validity         TEXT NOT NULL CHECK (validity IN ('valid','spam','duplicate','out_of_scope')),
    validity_reason  TEXT NOT NULL,
    reply            TEXT,
    replied_on       TEXT,
    published        INTEGER NOT NULL,
    public_title     TEXT NOT NULL,
    public_body      TEXT NOT NULL,
    satisfaction     TEXT,
    tracking_hash    TEXT UNIQUE,
    created_at       TEXT NOT NULL
);
CREATE INDEX messages_agency ON messages(agency_id, replied_on, due_on);
CREATE INDEX messages_published ON messages(published, replied_on);

CREATE TABLE message_transfers (
    message_id       INTEGER NOT NULL REFERENCES messages(id),
    serial           INTEGER NOT NULL,
    from_agency_id   INTEGER NOT NULL REFERENCES agencies(id),
    to_agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    transferred_on   TEXT NOT NULL,
    reason           TEXT NOT NULL,
    PRIMARY KEY (message_id, serial)
);

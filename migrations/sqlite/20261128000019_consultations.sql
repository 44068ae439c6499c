-- 意见征集 (spec/openness.md §5): a draft published for comment with a window at least as long
-- as its kind requires (or shorter with the urgency stated, 713 Art 15); comments from the website form or entered by staff from other channels,
-- shown only after moderation and never with the commenter's name or contact; near-duplicate
-- comments grouped under their first (cluster_id); a disposition on every group; and the
-- feedback report, kept as published (JSON) so that later edits cannot change it.
CREATE TABLE consultations (
    id                   INTEGER PRIMARY KEY,
    agency_id            INTEGER NOT NULL REFERENCES agencies(id),
    title                TEXT NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('decision','normative','business','rule','other')),
    draft_text           TEXT NOT NULL,
    opens_on             TEXT NOT NULL,
    closes_on            TEXT NOT NULL CHECK (closes_on >= opens_on),
    short_reason         TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL CHECK (status IN ('draft','published')),
    published_on         TEXT,
    feedback             TEXT,
    feedback_published_on TEXT,
    created_by           INTEGER REFERENCES users(id),
    created_at           TEXT NOT NULL
);

CREATE TABLE consultation_comments (
    id               INTEGER PRIMARY KEY,
    consultation_id  INTEGER NOT NULL REFERENCES consultations(id),
    channel          TEXT NOT NULL,
    received_on      TEXT NOT NULL,
    commenter_type   TEXT NOT NULL,
    commenter_name   TEXT NOT NULL,
    commenter_contact TEXT NOT NULL,
    section          TEXT NOT NULL,
    content          TEXT NOT NULL,
    public_text      TEXT NOT NULL,
    moderation       TEXT NOT NULL CHECK (moderation IN ('pending','shown','withheld')),
    cluster_id       INTEGER REFERENCES consultation_comments(id),
    disposition      TEXT CHECK (disposition IN ('adopted','partly','not_adopted')),
    reason           TEXT NOT NULL DEFAULT '',
    submission_key   TEXT UNIQUE,
    created_at       TEXT NOT NULL
);
CREATE INDEX consultation_comments_consultation ON consultation_comments(consultation_id, id);

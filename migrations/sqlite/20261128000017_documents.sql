-- Documents published on the government's own initiative (主动公开, spec/openness.md §1–§2): the
-- metadata a published page shows, the 文号 as written and in canonical form (unique), the
-- 索引号 issued by the platform, and the workflow draft → review → published → withdrawn. The
-- publication date is set by the publication itself, never typed in (§2.2).
CREATE TABLE documents (
    id                   INTEGER PRIMARY KEY,
    index_no             TEXT NOT NULL UNIQUE,
    agency_id            INTEGER NOT NULL REFERENCES agencies(id),
    title                TEXT NOT NULL,
    doc_number           TEXT,
    doc_number_canonical TEXT UNIQUE,
    written_on           TEXT NOT NULL,
    formed_on            TEXT NOT NULL,
    formed_reason        TEXT NOT NULL,
    subject              TEXT NOT NULL,
    genre                TEXT NOT NULL,
    disclosure           TEXT NOT NULL CHECK (disclosure IN ('主动公开','依申请公开','不予公开')),
    withhold_ground      TEXT,
    validity             TEXT NOT NULL,
    body                 TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('draft','review','published','withdrawn')),
    published_at         TEXT,
    published_on         TEXT,
    withdrawal_notice    TEXT,
    created_by           INTEGER REFERENCES users(id),
    created_at           TEXT NOT NULL
);
CREATE INDEX documents_agency ON documents(agency_id, status, published_on);

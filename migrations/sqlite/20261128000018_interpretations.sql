-- 政策解读 (spec/openness.md §3): whether a document needs an interpretation (规章, 行政规范性文件
-- or a 政策性文件 flagged at drafting), the interpretations with their form, and the links to the
-- documents they explain (one interpretation may explain several documents, a document may have
-- several interpretations).
ALTER TABLE documents ADD COLUMN needs_interpretation INTEGER NOT NULL DEFAULT 0;

CREATE TABLE interpretations (
    id               INTEGER PRIMARY KEY,
    agency_id        INTEGER NOT NULL REFERENCES agencies(id),
    title            TEXT NOT NULL,
    form             TEXT NOT NULL,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft','published')),
    published_on     TEXT,
    created_by       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL
);

CREATE TABLE interpretation_documents (
    interpretation_id INTEGER NOT NULL REFERENCES interpretations(id),
    document_id       INTEGER NOT NULL REFERENCES documents(id),
    PRIMARY KEY (interpretation_id, document_id)
);
CREATE INDEX interpretation_documents_document ON interpretation_documents(document_id);

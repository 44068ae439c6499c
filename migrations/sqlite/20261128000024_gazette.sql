-- 政府公报 (spec/openness.md §7): issues numbered by year (2020年第1期…) and their contents, each
-- item a published document of the city or its counties, in the gazette's sections. A document
-- appears in one issue at most. A published issue is not changed.
CREATE TABLE gazette_issues (
    id             INTEGER PRIMARY KEY,
    year           INTEGER NOT NULL,
    number         INTEGER NOT NULL CHECK (number > 0),
    status         TEXT NOT NULL CHECK (status IN ('draft','published')),
    published_on   TEXT,
    created_by     INTEGER REFERENCES users(id),
    created_at     TEXT NOT NULL,
    UNIQUE (year, number)
);

CREATE TABLE gazette_items (
    issue_id       INTEGER NOT NULL REFERENCES gazette_issues(id),
    serial         INTEGER NOT NULL,
    section        TEXT NOT NULL,
    document_id    INTEGER NOT NULL UNIQUE REFERENCES documents(id),
    PRIMARY KEY (issue_id, serial)
);

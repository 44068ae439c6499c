-- The hand-entered parts of the FOI annual report (spec/foi.md Part B): section 二 figures until
-- fazhi keeps the records they count, the fees collected, and the narrative sections 一, 五, 六.
CREATE TABLE foi_report_entries (
    id               INTEGER PRIMARY KEY,
    agency_id        INTEGER NOT NULL REFERENCES agencies(id),
    year             INTEGER NOT NULL,
    key              TEXT NOT NULL,
    value            TEXT NOT NULL,
    updated_by       INTEGER REFERENCES users(id),
    updated_at       TEXT NOT NULL,
    UNIQUE (agency_id, year, key)
);

-- Published reports, frozen as JSON: the public page shows exactly what was published, and the
-- next year's carry-over (W1) is checked against it. A correction is a new version.
CREATE TABLE foi_reports (
    id               INTEGER PRIMARY KEY,
    agency_id        INTEGER NOT NULL REFERENCES agencies(id),
    year             INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    content          TEXT NOT NULL,
    published_by     INTEGER REFERENCES users(id),
    published_at     TEXT NOT NULL,
    UNIQUE (agency_id, year, version)
);

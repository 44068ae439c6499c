-- 基层政务公开标准目录 (spec/openness.md §4): one catalogue per territory (county, town or
-- village) and area, in versions; a new version starts as a draft copied from the one in force
-- (or from the area's starting entries) and replaces it when published. Entries keep the
-- columns of published catalogues; sets (channels, levels) are joined with 、.
CREATE TABLE catalogues (
    id            INTEGER PRIMARY KEY,
    division_id   INTEGER NOT NULL REFERENCES divisions(id),
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    area          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft','published','superseded')),
    approval      TEXT NOT NULL DEFAULT '',
    published_on  TEXT,
    created_by    INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL,
    UNIQUE (division_id, area, version)
);

CREATE TABLE catalogue_entries (
    catalogue_id  INTEGER NOT NULL REFERENCES catalogues(id),
    serial        INTEGER NOT NULL,
    item          TEXT NOT NULL,
    sub_item      TEXT NOT NULL,
    content       TEXT NOT NULL,
    basis         TEXT NOT NULL,
    time_limit    TEXT NOT NULL,
    body          TEXT NOT NULL,
    channels      TEXT NOT NULL,
    audience      TEXT NOT NULL,
    manner        TEXT NOT NULL,
    levels        TEXT NOT NULL,
    PRIMARY KEY (catalogue_id, serial)
);

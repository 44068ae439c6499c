-- Foundation: organisations, accounts, sessions, audit chain, calendar, parameters.
-- Timestamps are bound from Rust (UTC, microseconds); dates are ISO text on SQLite.

CREATE TABLE divisions (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    level       TEXT    NOT NULL CHECK (level IN ('province','city','county','town','village')),
    parent_id   INTEGER REFERENCES divisions(id),
    path        TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL
);
CREATE INDEX divisions_parent ON divisions(parent_id);

CREATE TABLE agencies (
    id           INTEGER PRIMARY KEY,
    code         TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    division_id  INTEGER NOT NULL REFERENCES divisions(id),
    parent_id    INTEGER REFERENCES agencies(id),
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX agencies_division ON agencies(division_id);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT    NOT NULL UNIQUE,
    display_name        TEXT    NOT NULL,
    agency_id           INTEGER NOT NULL REFERENCES agencies(id),
    password_hash       TEXT    NOT NULL,
    disabled            BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL
);
CREATE INDEX users_agency ON users(agency_id);

CREATE TABLE user_grants (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role         TEXT    NOT NULL,
    scope_kind   TEXT    NOT NULL CHECK (scope_kind IN ('platform','agency','division')),
    agency_id    INTEGER REFERENCES agencies(id),
    division_id  INTEGER REFERENCES divisions(id),
    CHECK ((scope_kind = 'platform' AND agency_id IS NULL AND division_id IS NULL)
        OR (scope_kind = 'agency' AND agency_id IS NOT NULL AND division_id IS NULL)
        OR (scope_kind = 'division' AND division_id IS NOT NULL AND agency_id IS NULL))
);
CREATE INDEX user_grants_user ON user_grants(user_id);

CREATE TABLE sessions (
    id_hash       TEXT    PRIMARY KEY,
    user_id       INTEGER REFERENCES users(id) ON DELETE CASCADE,
    csrf_token    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    expires_at    TEXT    NOT NULL,
    last_seen_at  TEXT    NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE login_throttle (
    username         TEXT    PRIMARY KEY,
    failures         INTEGER NOT NULL,
    last_failure_at  TEXT    NOT NULL,
    locked_until     TEXT
);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    created_at    TEXT    NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);

CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT    NOT NULL,
    actor_user_id  INTEGER,
    actor          TEXT    NOT NULL,
    action         TEXT    NOT NULL,
    entity_type    TEXT    NOT NULL,
    entity_id      TEXT    NOT NULL,
    summary        TEXT    NOT NULL,
    before_digest  TEXT    NOT NULL,
    after_digest   TEXT    NOT NULL,
    prev_hash      TEXT    NOT NULL UNIQUE,
    hash           TEXT    NOT NULL UNIQUE
);
CREATE INDEX audit_log_entity ON audit_log(entity_type, entity_id);
CREATE INDEX audit_log_at ON audit_log(at);

-- The audit log is append-only: the database itself refuses changes.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE holiday_notices (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL,
    title       TEXT    NOT NULL UNIQUE,
    doc_number  TEXT,
    issued      TEXT    NOT NULL,
    url         TEXT,
    amends      INTEGER,
    loaded_at   TEXT    NOT NULL
);

CREATE TABLE holiday_days (
    day   TEXT PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('holiday','workday')),
    name  TEXT NOT NULL
);

-- Parameters (spec/README.md §2.2): scoped, dated, with status and source.
CREATE TABLE parameters (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL,
    value           TEXT NOT NULL,
    unit            TEXT,
    scope           TEXT NOT NULL,
    effective_from  TEXT NOT NULL,
    effective_to    TEXT,
    status          TEXT NOT NULL CHECK (status IN ('confirmed','to_confirm','project_rule','inferred')),
    source          TEXT NOT NULL,
    note            TEXT,
    UNIQUE (key, scope, effective_from)
);

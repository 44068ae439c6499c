-- 权责清单 (spec/powers.md). Adjustments are the record; power_holdings and power_entrustments
-- are derived from them item by item, in the same transaction, so as-of queries stay plain SQL.

CREATE TABLE power_categories (
    code    TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('power','service')),
    sort    INTEGER NOT NULL,
    source  TEXT NOT NULL
);

CREATE TABLE power_items (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    category          TEXT NOT NULL REFERENCES power_categories(code),
    basis             TEXT NOT NULL,
    responsibilities  TEXT NOT NULL,
    accountability    TEXT NOT NULL,
    supervision       TEXT NOT NULL,
    note              TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE power_decisions (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    doc_number   TEXT,
    decided_on   TEXT NOT NULL,
    url          TEXT,
    UNIQUE (title, decided_on)
);

CREATE TABLE power_adjustments (
    id                    INTEGER PRIMARY KEY,
    item_code             TEXT NOT NULL REFERENCES power_items(code),
    kind                  TEXT NOT NULL CHECK (kind IN ('add','abolish','take_over','devolve','entrust','take_back','change')),
    effective             TEXT NOT NULL,
    decision_id           INTEGER NOT NULL REFERENCES power_decisions(id),
    from_agency           TEXT,
    from_external         TEXT,
    term_end              TEXT,
    condition_attribute   TEXT,
    condition_value       TEXT,
    condition_text        TEXT,
    giver_keeps_residual  BOOLEAN NOT NULL,
    created_at            TEXT NOT NULL
);
CREATE INDEX power_adjustments_item ON power_adjustments(item_code);
CREATE INDEX power_adjustments_effective ON power_adjustments(effective);

CREATE TABLE power_adjustment_receivers (
    adjustment_id  INTEGER NOT NULL REFERENCES power_adjustments(id),
    agency         TEXT NOT NULL,
    PRIMARY KEY (adjustment_id, agency)
);

CREATE TABLE power_holdings (
    id                   INTEGER PRIMARY KEY,
    item_code            TEXT NOT NULL REFERENCES power_items(code),
    holder               TEXT NOT NULL,
    territory            TEXT NOT NULL,
    valid_from           TEXT NOT NULL,
    valid_to             TEXT,
    condition_attribute  TEXT,
    condition_value      TEXT,
    condition_text       TEXT,
    supervised_by        TEXT,
    opened_by            INTEGER NOT NULL,
    closed_by            INTEGER
);
CREATE INDEX power_holdings_item ON power_holdings(item_code);
CREATE INDEX power_holdings_holder ON power_holdings(holder, valid_from);
-- Serves the as-of catalogue: a subtree range, in listing order, with the validity dates.
CREATE INDEX power_holdings_territory ON power_holdings(territory, holder, item_code, valid_from, valid_to);

CREATE TABLE power_entrustments (
    id               INTEGER PRIMARY KEY,
    item_code        TEXT NOT NULL REFERENCES power_items(code),
    legal_holder     TEXT NOT NULL,
    exercised_by     TEXT NOT NULL,
    territory        TEXT NOT NULL,
    valid_from       TEXT NOT NULL,
    valid_to         TEXT,
    term_end         TEXT,
    opened_by        INTEGER NOT NULL,
    taken_back_by    INTEGER
);
CREATE INDEX power_entrustments_item ON power_entrustments(item_code);
CREATE INDEX power_entrustments_exercised_by ON power_entrustments(exercised_by);

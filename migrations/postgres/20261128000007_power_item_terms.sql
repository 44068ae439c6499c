-- The words each item is found by (core::search::item_terms of its name and code). A cache:
-- written with the item, and rebuilt at start-up for any item that has none.
CREATE TABLE power_item_terms (
    term        TEXT NOT NULL,
    item_code   TEXT NOT NULL REFERENCES power_items(code),
    PRIMARY KEY (term, item_code)
);
CREATE INDEX power_item_terms_item ON power_item_terms(item_code);

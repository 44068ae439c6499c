-- Full-text search over what is published (issue 4 part 7): one row per searchable record
-- with the facets the search filters on, and an inverted index of its words (jieba, search
-- mode) ordered by publication date so that the newest matches of the rarest word are read
-- first. The record keeps its words so that it can be taken out of the index by key. The same
-- words and order on both databases give the same results. The postings carry no foreign key:
-- a key check per word made indexing ten times slower, and only the indexer, inside one
-- transaction, writes and removes a record's postings.
CREATE TABLE search_records (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('document','interpretation','consultation','message')),
    record_id     INTEGER NOT NULL,
    title         TEXT NOT NULL,
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    published_on  TEXT NOT NULL,
    year          INTEGER NOT NULL,
    subject       TEXT NOT NULL,
    genre         TEXT NOT NULL,
    validity      TEXT NOT NULL,
    terms         TEXT NOT NULL,
    UNIQUE (kind, record_id)
);

CREATE TABLE search_postings (
    term          TEXT NOT NULL,
    published_on  TEXT NOT NULL,
    record        INTEGER NOT NULL,
    PRIMARY KEY (term, published_on, record)
) WITHOUT ROWID;

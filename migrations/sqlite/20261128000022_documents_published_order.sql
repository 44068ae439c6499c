-- The document lists show the newest publication first: an index in that order lets a page
-- of 20 be read without sorting every document (100 000 in the scale benchmark). (SQLite puts
-- NULLs last in descending order by itself.)
CREATE INDEX documents_publication_order ON documents (published_on DESC, written_on DESC, id DESC);

-- The closing date of a request, kept beside its events so that the queues can select the open
-- requests of an agency without reading every timeline: set when the closing event is recorded
-- (or from the ledger), and filled for earlier requests at start-up (fazhi_db::foi).
ALTER TABLE foi_requests ADD COLUMN closed_on DATE;
UPDATE foi_requests SET closed_on = ledger_closed_on WHERE origin = 'ledger';
CREATE INDEX foi_requests_open ON foi_requests(agency_id, closed_on, received_on);

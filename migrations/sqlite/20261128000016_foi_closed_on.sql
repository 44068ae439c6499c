-- The closing date of a request, kept beside its events so that the queues can select the open
-- requests of an agency without reading every timeline: set when the closing event is recorded
-- (or from the ledger), and filled here for earlier requests from their closing event.
ALTER TABLE foi_requests ADD COLUMN closed_on TEXT;
UPDATE foi_requests SET closed_on = ledger_closed_on WHERE origin = 'ledger';
UPDATE foi_requests SET closed_on = (
    SELECT json_extract(e.event, '$.on') FROM foi_events e
    WHERE e.request_id = foi_requests.id AND json_extract(e.event, '$.type') = 'answered'
    ORDER BY e.seq DESC LIMIT 1
) WHERE origin = 'case';
CREATE INDEX foi_requests_open ON foi_requests(agency_id, closed_on, received_on);

-- The due date staff last saw for a request. Due dates are derived from the events and the
-- calendar, never stored; this keeps what was shown, so that when a holiday notice changes the
-- calendar the new date is shown next to the old one until a person confirms it (issue 5).
ALTER TABLE foi_requests ADD COLUMN acknowledged_due TEXT;

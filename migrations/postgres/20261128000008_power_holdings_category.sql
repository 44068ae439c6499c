-- The item's category on each holding, in the territory index: the public catalogue filters and
-- counts by category or kind (行政权力 / 公共服务) at every request, and joining the items for
-- that made a city's page four times slower at province scale. Written with the holdings and
-- updated when an item's category changes.
ALTER TABLE power_holdings ADD COLUMN category TEXT NOT NULL DEFAULT '';
UPDATE power_holdings SET category = (SELECT i.category FROM power_items i WHERE i.code = power_holdings.item_code);
DROP INDEX power_holdings_territory;
CREATE INDEX power_holdings_territory ON power_holdings(territory, holder, item_code, valid_from, valid_to, category);

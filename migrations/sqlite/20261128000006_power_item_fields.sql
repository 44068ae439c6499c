-- 子项名称 (spec/powers.md §2) and 关联事项 (§5: the inspection and coercive powers that move with
-- a handed-down penalty), each a JSON array: names, and item codes.
ALTER TABLE power_items ADD COLUMN sub_items TEXT NOT NULL DEFAULT '[]';
ALTER TABLE power_items ADD COLUMN related_items TEXT NOT NULL DEFAULT '[]';

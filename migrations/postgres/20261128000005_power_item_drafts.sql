-- A draft proposes either an adjustment batch or an item's new or changed description (经办人
-- drafts, 审核人 publishes, issue 3 part 5): `subject` says which, `content` holds it as JSON.
ALTER TABLE power_drafts RENAME COLUMN batch TO content;
ALTER TABLE power_drafts ADD COLUMN subject TEXT NOT NULL DEFAULT 'adjustment' CHECK (subject IN ('adjustment','item'));

-- 0003: a current model per task. The browser runs the grammar checker
-- ("gec") and the answer grader ("grade") of its class at once, so each
-- (class, task) has its own current model instead of each class one.

-- task is the manifest's "task" field, and "gec" for a manifest that
-- names none (the task is optional in a manifest, and the grammar checker
-- was the only model the browser ran). The column must agree with the
-- signed manifest, so a task that 0002's publishes let through other than
-- gec and grade is kept as its manifest names it, not refused here.
-- A manifest that is not JSON (0002 checked only that it is not empty)
-- counts as naming none rather than stopping the upgrade.
ALTER TABLE models ADD COLUMN task TEXT NOT NULL DEFAULT 'gec' CHECK (task <> '');

UPDATE models SET task = coalesce(
	nullif(CASE WHEN json_valid(CAST(manifest AS TEXT))
		THEN json_extract(CAST(manifest AS TEXT), '$.task') END, ''),
	'gec');

-- Each class kept one current model across its tasks; it stays current,
-- now for its own task, and a class's other task has none until a publish
-- or a teacher makes one current.
DROP INDEX models_one_current_per_class;

-- A class has at most one current model of each task.
CREATE UNIQUE INDEX models_one_current_per_task ON models (class_id, task) WHERE current = 1;

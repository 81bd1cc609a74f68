-- 0002: the model registry. Each row is a signed model bundle published for
-- one class; the files live in the folder named by dir, and manifest and
-- signature hold manifest.json and its ed25519 signature byte for byte, so
-- the API can hand them to clients without touching the disk.

CREATE TABLE models (
	-- Chosen by the publisher (it is inside the signed manifest), numbered
	-- across the server from 1.
	version    INTEGER PRIMARY KEY CHECK (version >= 1),
	-- No ON DELETE CASCADE: a bundle has files on disk, so whatever removes
	-- a class must decide what becomes of its models.
	class_id   INTEGER NOT NULL REFERENCES classes (id),
	parent     INTEGER NOT NULL DEFAULT 0 CHECK (parent >= 0 AND parent < version),
	manifest   BLOB    NOT NULL CHECK (length(manifest) > 0),
	signature  BLOB    NOT NULL CHECK (length(signature) = 64),
	dir        TEXT    NOT NULL CHECK (dir <> ''),
	created_at TEXT    NOT NULL,
	current    INTEGER NOT NULL DEFAULT 0 CHECK (current IN (0, 1))
) STRICT;

CREATE INDEX models_by_class ON models (class_id, version);

-- A class has at most one current model.
CREATE UNIQUE INDEX models_one_current_per_class ON models (class_id) WHERE current = 1;

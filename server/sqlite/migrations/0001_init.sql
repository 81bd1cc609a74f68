-- 0001: the first schema. Times are UTC text in one fixed-width layout
-- (2006-01-02T15:04:05.000000000Z) so that text order is time order.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	-- Stored lower-case: usernames are case-insensitive, and one spelling in
	-- the table lets the UNIQUE index enforce that.
	username      TEXT    NOT NULL UNIQUE CHECK (username <> '' AND username = lower(username)),
	display_name  TEXT    NOT NULL DEFAULT '',
	role          TEXT    NOT NULL CHECK (role IN ('student', 'teacher', 'admin')),
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	password_hash TEXT    NOT NULL,
	created_at    TEXT    NOT NULL
) STRICT;

CREATE TABLE sessions (
	token_hash TEXT    PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind       TEXT    NOT NULL CHECK (kind IN ('cookie', 'bearer')),
	label      TEXT    NOT NULL DEFAULT '',
	created_at TEXT    NOT NULL,
	expires_at TEXT    NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE classes (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	teacher_id INTEGER NOT NULL REFERENCES users (id),
	-- No foreign key to courses: a course is replaced by re-importing it,
	-- and a class keeps pointing at its ID across imports.
	course_id  TEXT    NOT NULL,
	-- Students type join codes; NOCASE makes "ab12cd" find "AB12CD" and
	-- keeps two codes from differing only in case.
	join_code  TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (join_code <> ''),
	created_at TEXT    NOT NULL
) STRICT;

CREATE INDEX classes_by_teacher ON classes (teacher_id);

CREATE TABLE class_members (
	class_id INTEGER NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
	user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (class_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX class_members_by_user ON class_members (user_id, class_id);

-- A course is stored whole as its pack's JSON; the summary columns let the
-- course list be read without decoding every pack.
CREATE TABLE courses (
	id          TEXT    PRIMARY KEY CHECK (id <> ''),
	title       TEXT    NOT NULL,
	target_lang TEXT    NOT NULL,
	source_lang TEXT    NOT NULL,
	description TEXT    NOT NULL DEFAULT '',
	units       INTEGER NOT NULL,
	items       INTEGER NOT NULL,
	pack        BLOB    NOT NULL,
	updated_at  TEXT    NOT NULL
) STRICT;

-- The review log: one row per answer, keyed by the client's event UUID. It
-- is the source of truth that learner state is derived from, so rows are
-- never changed or removed (see the triggers below).
CREATE TABLE reviews (
	id          TEXT    PRIMARY KEY CHECK (id <> ''),
	user_id     INTEGER NOT NULL REFERENCES users (id),
	device_id   TEXT    NOT NULL,
	course_id   TEXT    NOT NULL,
	item_id     TEXT    NOT NULL,
	answer      TEXT    NOT NULL,
	correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
	rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
	answered_at TEXT    NOT NULL,
	duration_ms INTEGER NOT NULL,
	received_at TEXT    NOT NULL
) STRICT;

-- Serves "a user's log in (answered_at, id) order" and the per-user count.
CREATE INDEX reviews_by_user_time ON reviews (user_id, answered_at, id);

CREATE TRIGGER reviews_are_append_only_update BEFORE UPDATE ON reviews
BEGIN
	SELECT RAISE(ABORT, 'the review log is append-only: reviews cannot be changed');
END;

CREATE TRIGGER reviews_are_append_only_delete BEFORE DELETE ON reviews
BEGIN
	SELECT RAISE(ABORT, 'the review log is append-only: reviews cannot be deleted');
END;

-- INSERT OR REPLACE deletes the old row without firing the delete trigger
-- (unless recursive_triggers is on), so an insert of an ID already in the
-- log is skipped here, before any conflict clause can act: the first write
-- of an event is the one kept. ON CONFLICT DO NOTHING behaves as before.
CREATE TRIGGER reviews_keep_first_write BEFORE INSERT ON reviews
WHEN EXISTS (SELECT 1 FROM reviews WHERE id = NEW.id)
BEGIN
	SELECT RAISE(IGNORE);
END;

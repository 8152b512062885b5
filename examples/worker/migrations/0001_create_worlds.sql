-- The tables of the event-sourced application Worlds.
CREATE TABLE IF NOT EXISTS "Worlds_events" (
  notification_id INTEGER PRIMARY KEY AUTOINCREMENT,
  originator_id TEXT NOT NULL,
  originator_version INTEGER NOT NULL,
  topic TEXT NOT NULL,
  state BLOB NOT NULL,
  UNIQUE (originator_id, originator_version)
);

CREATE TABLE IF NOT EXISTS "Worlds_tracking" (
  application_name TEXT NOT NULL,
  notification_id INTEGER NOT NULL,
  PRIMARY KEY (application_name, notification_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS "Worlds_snapshots" (
  originator_id TEXT NOT NULL,
  originator_version INTEGER NOT NULL,
  topic TEXT NOT NULL,
  state BLOB NOT NULL,
  PRIMARY KEY (originator_id, originator_version)
) WITHOUT ROWID;

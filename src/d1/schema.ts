/**
 * The D1 schema of an application: table names carrying the application's name, and the SQL
 * that creates the tables.
 *
 * @module
 */

/** The table names of one application, each already quoted for SQL. */
export interface D1TableNames {
  /** The stored events and notification log: `"<name>_events"`. */
  readonly events: string;
  /** The snapshots: `"<name>_snapshots"`. */
  readonly snapshots: string;
  /** Reserved for the tracking records of event processing: `"<name>_tracking"`. */
  readonly tracking: string;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * Returns the quoted table names of an application, after checking that its name is safe in
 * an SQL identifier. The names keep the application name's case, but SQLite compares them
 * without regard to case: `Worlds` and `worlds` get the same tables.
 *
 * @param applicationName - the application's name
 * @returns the table names
 * @throws TypeError when the name is not a letter followed by up to 63 letters, digits or
 *   underscores, or when it would make a table name SQLite reserves
 */
export function d1TableNames(applicationName: string): D1TableNames {
  if (!NAME.test(applicationName) || /^sqlite(_|$)/i.test(applicationName)) {
    throw new TypeError(
      `d1: application name ${JSON.stringify(applicationName)} cannot name a table; use a letter ` +
        'followed by up to 63 letters, digits or underscores, neither "sqlite" nor starting with "sqlite_" ' +
        '(pass { name } in the application config to choose one)',
    );
  }
  return {
    events: `"${applicationName}_events"`,
    snapshots: `"${applicationName}_snapshots"`,
    tracking: `"${applicationName}_tracking"`,
  };
}

/**
 * Returns the statements that create the events table and the tracking table.
 *
 * @param tables - the application's table names
 * @returns one SQL statement per string, without trailing semicolons
 */
export function applicationTablesSql(tables: D1TableNames): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${tables.events} (
  notification_id INTEGER PRIMARY KEY AUTOINCREMENT,
  originator_id TEXT NOT NULL,
  originator_version INTEGER NOT NULL,
  topic TEXT NOT NULL,
  state BLOB NOT NULL,
  UNIQUE (originator_id, originator_version)
)`,
    `CREATE TABLE IF NOT EXISTS ${tables.tracking} (
  application_name TEXT NOT NULL,
  notification_id INTEGER NOT NULL,
  PRIMARY KEY (application_name, notification_id)
) WITHOUT ROWID`,
  ];
}

/**
 * Returns the statement that creates the snapshots table.
 *
 * @param tables - the application's table names
 * @returns one SQL statement per string, without trailing semicolons
 */
export function snapshotTablesSql(tables: D1TableNames): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${tables.snapshots} (
  originator_id TEXT NOT NULL,
  originator_version INTEGER NOT NULL,
  topic TEXT NOT NULL,
  state BLOB NOT NULL,
  PRIMARY KEY (originator_id, originator_version)
) WITHOUT ROWID`,
  ];
}

/**
 * Returns the SQL that creates an application's tables, for a migration file applied with
 * wrangler. The statements use `IF NOT EXISTS`, so applying it twice changes nothing.
 *
 * @param applicationName - the application's name
 * @returns the SQL text, statements separated by semicolons
 * @throws TypeError when the name cannot name a table (see {@link d1TableNames})
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { d1Schema } from 'eventsourcing/d1';
 * writeFileSync('migrations/0001_worlds.sql', d1Schema('Worlds'));
 * // then: npx wrangler d1 migrations apply worlds --remote
 * ```
 */
export function d1Schema(applicationName: string): string {
  const tables = d1TableNames(applicationName);
  const statements = [...applicationTablesSql(tables), ...snapshotTablesSql(tables)];
  return `-- The tables of the event-sourced application ${applicationName}.\n${statements.map((s) => `${s};\n`).join('\n')}`;
}

/**
 * The IndexedDB layout of the recorders: one fixed set of object stores shared by every
 * application in a database, with the application name leading every key.
 *
 * @module
 */
import type { DBSchema } from 'idb';

/** The object store of events, with their notification ids. */
export const EVENTS_STORE = 'stored_events';
/** The object store of snapshots. */
export const SNAPSHOTS_STORE = 'snapshots';
/** The unique index of the events store on (application name, notification id). */
export const NOTIFICATIONS_INDEX = 'notifications';

/** The name of a store the recorders write to. */
export type StoreName = typeof EVENTS_STORE | typeof SNAPSHOTS_STORE;

/** The recorders' stores. */
export const STORES: readonly StoreName[] = [EVENTS_STORE, SNAPSHOTS_STORE];

/** A stored event as kept in IndexedDB, in the original's column names. */
export interface EventRecord {
  /** The name of the application that recorded it: the first part of every key. */
  readonly application_name: string;
  /** The originator's id. */
  readonly originator_id: string;
  /** The originator's version. */
  readonly originator_version: number;
  /** The event's topic. */
  readonly topic: string;
  /** The mapper's bytes. */
  readonly state: Uint8Array;
  /** The notification id (events store only). */
  notification_id?: number;
}

/** The key of a record: (application name, originator id, originator version). */
export type EventKey = [string, string, number];

/** The typed layout, for `idb`. */
export interface RecorderSchema extends DBSchema {
  stored_events: {
    key: EventKey;
    value: EventRecord;
    indexes: { notifications: [string, number] };
  };
  snapshots: {
    key: EventKey;
    value: EventRecord;
  };
}

const KEY_PATH = ['application_name', 'originator_id', 'originator_version'];
const NOTIFICATIONS_PATH = ['application_name', 'notification_id'];

/**
 * Tells whether a database holds the recorders' stores.
 *
 * @param db - an open connection
 * @returns true when both stores exist
 */
export function hasSchema(db: IDBDatabase): boolean {
  return missingStores(db).length === 0;
}

/**
 * Returns the names of the recorders' stores that a database lacks.
 *
 * @param db - an open connection
 * @returns the missing stores' names, none when it has both
 */
export function missingStores(db: IDBDatabase): StoreName[] {
  return STORES.filter((name) => !db.objectStoreNames.contains(name));
}

/**
 * Tells what keeps stores of the recorders' names from being theirs (made by other code with
 * other keys, or without the index), as creating the stores never changes existing ones. Only
 * the stores the database has are looked at.
 *
 * @param db - an open connection
 * @returns what differs from the recorders' layout, or undefined when nothing does
 */
export function layoutProblem(db: IDBDatabase): string | undefined {
  const present = STORES.filter((name) => db.objectStoreNames.contains(name));
  if (present.length === 0) return undefined;
  const tx = db.transaction(present, 'readonly');
  const problems: string[] = [];
  for (const name of present) {
    const store = tx.objectStore(name);
    if (!samePath(store.keyPath, KEY_PATH)) {
      problems.push(
        `${store.name} is keyed by ${JSON.stringify(store.keyPath)}, not ${JSON.stringify(KEY_PATH)}`,
      );
    }
  }
  if (!present.includes(EVENTS_STORE)) return problems.length === 0 ? undefined : problems.join('; ');
  const events = tx.objectStore(EVENTS_STORE);
  if (!events.indexNames.contains(NOTIFICATIONS_INDEX)) {
    problems.push(`${EVENTS_STORE} has no index "${NOTIFICATIONS_INDEX}"`);
  } else {
    const index = events.index(NOTIFICATIONS_INDEX);
    if (!index.unique || !samePath(index.keyPath, NOTIFICATIONS_PATH)) {
      problems.push(
        `${EVENTS_STORE}'s index "${NOTIFICATIONS_INDEX}" is not unique on ${JSON.stringify(NOTIFICATIONS_PATH)}`,
      );
    }
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

function samePath(path: string | string[] | null, expected: readonly string[]): boolean {
  return Array.isArray(path) && path.length === expected.length && path.every((p, i) => p === expected[i]);
}

/**
 * Creates whichever of the recorders' stores are missing; only inside an upgrade.
 *
 * The key path makes (application, originator id, version) unique: the conflict check of a
 * save. The unique index on (application, notification id) reads the log by key range and
 * can never hold an id twice.
 *
 * @param db - the connection of a `versionchange` transaction
 */
export function createSchema(db: IDBDatabase): void {
  if (!db.objectStoreNames.contains(EVENTS_STORE)) {
    const events = db.createObjectStore(EVENTS_STORE, { keyPath: KEY_PATH });
    events.createIndex(NOTIFICATIONS_INDEX, NOTIFICATIONS_PATH, { unique: true });
  }
  if (!db.objectStoreNames.contains(SNAPSHOTS_STORE)) {
    db.createObjectStore(SNAPSHOTS_STORE, { keyPath: KEY_PATH });
  }
}

/**
 * The IndexedDB persistence: the configuration an application is given to keep its events in
 * a browser database.
 *
 * @module
 */
import type { Persistence } from '../persistence/persistence.js';
import { settingsOf, type IndexedDbOptions } from './options.js';
import { IndexedDbAggregateRecorder, IndexedDbApplicationRecorder } from './recorders.js';

/**
 * Makes IndexedDB recorders over one database. Applications with different names share the
 * database's stores without sharing a log, and a new name needs no schema upgrade.
 */
export class IndexedDbPersistence implements Persistence {
  /** The options every recorder is made with. */
  readonly options: IndexedDbOptions;

  /**
   * Creates the persistence; nothing is opened until a recorder is used.
   *
   * @param options - the database name and other options
   * @throws TypeError when an option is invalid
   */
  constructor(options: IndexedDbOptions) {
    settingsOf(options);
    this.options = { ...options };
  }

  applicationRecorder(applicationName: string): IndexedDbApplicationRecorder {
    return new IndexedDbApplicationRecorder(applicationName, this.options);
  }

  snapshotRecorder(applicationName: string): IndexedDbAggregateRecorder {
    return new IndexedDbAggregateRecorder(applicationName, this.options);
  }
}

/**
 * Configures applications to keep their events, log and snapshots in IndexedDB.
 *
 * @param options - `dbName` (required), `createStores`, `durability`, `broadcast`, `onBlocked`
 * @returns the persistence, to pass as `persistence` in an application's config
 * @throws TypeError when `dbName` is missing or an option is invalid
 * @example
 * ```ts
 * import { indexedDb } from 'eventsourcing/indexeddb';
 *
 * const app = new Worlds({ persistence: indexedDb({ dbName: 'worlds' }) });
 * const worldId = await app.createWorld();
 * await app.close();
 * ```
 */
export function indexedDb(options: IndexedDbOptions): IndexedDbPersistence {
  return new IndexedDbPersistence(options);
}

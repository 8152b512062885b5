/**
 * Opening a database: creating the recorders' stores when allowed, without ever forcing an
 * upgrade on a database that already has them.
 *
 * @module
 */
import { NotSupportedError, OperationalError, ProgrammingError } from '../errors.js';
import { errorName, translateError } from './errors.js';
import type { IndexedDbSettings } from './options.js';
import { createSchema, hasSchema, layoutProblem, missingStores, STORES } from './schema.js';

/**
 * Raised inside this module when `createStores` is off and a database lacks the stores.
 *
 * @param dbName - the database's name
 * @param missing - the stores it lacks (both when it does not exist)
 * @returns the error
 */
function storesMissing(dbName: string, missing: readonly string[]): ProgrammingError {
  return new ProgrammingError(
    `indexeddb: database "${dbName}" has no recorder store ${missing.join(' or ')} and createStores is false; ` +
      'create them first, or pass createStores: true',
  );
}

/**
 * Returns an opened database whose stores of the recorders' names are the recorders' own, or
 * closes it and throws.
 *
 * @param db - an open connection
 * @param dbName - its name, for the message
 * @returns the connection
 * @throws {@link ProgrammingError} when such a store has another layout
 */
function checkedLayout(db: IDBDatabase, dbName: string): IDBDatabase {
  const problem = layoutProblem(db);
  if (problem === undefined) return db;
  db.close();
  throw new ProgrammingError(
    `indexeddb: database "${dbName}" has stores of the recorders' names (stored_events, snapshots), but not their layout: ` +
      `${problem}; give the recorders a database of their own`,
  );
}

/**
 * Returns the environment's IndexedDB factory.
 *
 * @returns `globalThis.indexedDB`
 * @throws {@link NotSupportedError} when the environment has no IndexedDB (undefined or null)
 */
export function environmentFactory(): IDBFactory {
  const factory = (globalThis as { indexedDB?: IDBFactory | null }).indexedDB;
  // Null where IndexedDB is turned off (Firefox's dom.indexedDB.enabled).
  if (factory === undefined || factory === null) {
    throw new NotSupportedError(
      `indexeddb: this environment has no IndexedDB (globalThis.indexedDB is ${String(factory)}); ` +
        "in Node, import 'fake-indexeddb/auto' first",
    );
  }
  return factory;
}

/**
 * Opens the database, creating the stores if they are missing and `createStores` is on. An
 * existing database that has them is opened at whatever version it is, so an upgrade made by
 * other code (another tab adding its own stores) does not lock the recorders out.
 *
 * @param settings - the recorder settings
 * @returns an open connection to a database that has the stores
 * @throws {@link NotSupportedError} when the environment has no IndexedDB
 * @throws {@link ProgrammingError} when the stores are missing and `createStores` is false, or
 *   have another layout
 * @throws {@link OperationalError} when the database cannot be opened
 */
export async function openDatabase(settings: IndexedDbSettings): Promise<IDBDatabase> {
  const factory = environmentFactory();
  // A few attempts, as another tab may be adding the stores at the same moment.
  for (let attempt = 0; attempt < 5; attempt++) {
    // A store of other code's making is refused before anything is upgraded.
    const db = checkedLayout(await request(factory, settings, undefined), settings.dbName);
    if (hasSchema(db)) return db;
    db.close();
    if (!settings.createStores) throw storesMissing(settings.dbName, missingStores(db));
    let upgraded: IDBDatabase;
    try {
      upgraded = await request(factory, settings, db.version + 1);
    } catch (error) {
      // Another connection upgraded first: open again at its version.
      if (error instanceof OperationalError && errorName(error.cause) === 'VersionError') continue;
      throw error;
    }
    if (hasSchema(upgraded)) return checkedLayout(upgraded, settings.dbName);
    upgraded.close();
  }
  throw new OperationalError(
    `indexeddb: could not create the recorder stores in "${settings.dbName}": other connections kept upgrading it`,
  );
}

function request(
  factory: IDBFactory,
  settings: IndexedDbSettings,
  version: number | undefined,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let open: IDBOpenDBRequest;
    try {
      open = version === undefined ? factory.open(settings.dbName) : factory.open(settings.dbName, version);
    } catch (error) {
      reject(translateError(error, `opening "${settings.dbName}"`));
      return;
    }
    let refused = false;
    open.onupgradeneeded = () => {
      if (settings.createStores) {
        createSchema(open.result);
      } else {
        // Abort the upgrade, so a missing database is not left behind empty at version 1.
        refused = true;
        open.transaction?.abort();
      }
    };
    open.onblocked = () => {
      settings.onBlocked?.();
    };
    open.onsuccess = () => {
      const db = open.result;
      // Close at once when another connection wants to upgrade or delete the database.
      db.onversionchange = () => {
        db.close();
      };
      resolve(db);
    };
    open.onerror = (event) => {
      event.preventDefault();
      reject(
        refused
          ? storesMissing(settings.dbName, STORES)
          : translateError(open.error, `opening "${settings.dbName}"`),
      );
    };
  });
}

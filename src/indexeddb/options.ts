/**
 * The options of the IndexedDB recorders, and their checks.
 *
 * @module
 */

/** The options of {@link indexedDb} and of the IndexedDB recorders. */
export interface IndexedDbOptions {
  /**
   * The database's name. Every application given the same name shares the database (each
   * with its own log), and the notification broadcast uses a `BroadcastChannel` of this name.
   */
  readonly dbName: string;
  /**
   * Creates the object stores when they are missing, as the original's `CREATE_TABLE` does
   * (true by default). When false, a database without them fails with `ProgrammingError`.
   */
  readonly createStores?: boolean | undefined;
  /**
   * How saves commit: `'strict'` (the default) waits until the data is on disk;
   * `'relaxed'` returns once the operating system has it, faster, but a power loss or a crash
   * of the machine (not of the tab or the browser) may lose the last saves.
   */
  readonly durability?: 'strict' | 'relaxed' | undefined;
  /**
   * Posts `{ applicationName, notificationIds }` on a `BroadcastChannel` named `dbName`
   * after each save (true by default).
   */
  readonly broadcast?: boolean | undefined;
  /**
   * Called when opening the database waits for another connection (an old tab, say) to
   * close; tell the user to close other tabs. The library's own connections close by themselves.
   */
  readonly onBlocked?: (() => void) | undefined;
}

/** The options with their defaults applied. */
export interface IndexedDbSettings {
  readonly dbName: string;
  readonly createStores: boolean;
  readonly durability: 'strict' | 'relaxed';
  readonly broadcast: boolean;
  readonly onBlocked: (() => void) | undefined;
}

/**
 * Checks the options and applies the defaults.
 *
 * @param options - the options given
 * @returns the settings
 * @throws TypeError when `dbName` is not a non-empty string or `durability` is unknown
 */
export function settingsOf(options: IndexedDbOptions): IndexedDbSettings {
  const { dbName } = options;
  // Checked at run time too: the options may come from plain JavaScript.
  const durability: string = options.durability ?? 'strict';
  if (typeof dbName !== 'string' || dbName === '') {
    throw new TypeError('indexeddb: dbName must be a non-empty string, such as { dbName: "worlds" }');
  }
  if (durability !== 'strict' && durability !== 'relaxed') {
    throw new TypeError(`indexeddb: durability must be 'strict' or 'relaxed', got ${durability}`);
  }
  return {
    dbName,
    createStores: options.createStores ?? true,
    durability,
    broadcast: options.broadcast ?? true,
    onBlocked: options.onBlocked,
  };
}

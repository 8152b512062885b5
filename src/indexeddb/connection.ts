/**
 * One lazily opened connection to a database, that steps aside for upgrades in other tabs,
 * reopens after being closed under it, and posts the notification broadcast.
 *
 * @module
 */
import { wrap, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { closedConnection, errorName, translateError } from './errors.js';
import { openDatabase } from './open.js';
import type { IndexedDbSettings } from './options.js';
import type { RecorderSchema, StoreName } from './schema.js';

/**
 * The message posted on the `BroadcastChannel` named after the database after each save:
 * the application that saved, and the notification ids its save was given, ascending.
 */
export interface NotificationBroadcast {
  /** The name of the application that saved. */
  readonly applicationName: string;
  /** The new notification ids, ascending and contiguous. */
  readonly notificationIds: number[];
}

/** A transaction over one of the recorders' stores. */
export type StoreTransaction<Mode extends IDBTransactionMode> = IDBPTransaction<
  RecorderSchema,
  [StoreName],
  Mode
>;

/**
 * A connection to one database, opened on first use. It closes itself when another
 * connection asks to upgrade or delete the database, and opens again on the next use; the
 * same happens when the browser closes it (storage cleared, disk error).
 */
export class IndexedDbConnection {
  /** The settings it opens the database with. */
  readonly settings: IndexedDbSettings;
  #database: Promise<IDBPDatabase<RecorderSchema>> | undefined;
  /** The database `#database` gave, once it has: open until it is forgotten. */
  #opened: IDBPDatabase<RecorderSchema> | undefined;
  /** How many times `close()` was called: work begun before a close does not reopen. */
  #closes = 0;
  /** The transactions started and their work not yet finished, for `close()` to wait for. */
  readonly #running = new Set<Promise<void>>();
  /** Ends the waits of work for an open still in progress, when close() is called. */
  readonly #cancels = new Set<() => void>();
  #channel: BroadcastChannel | undefined;

  /**
   * Creates a connection; nothing is opened until it is used.
   *
   * @param settings - the recorder settings
   */
  constructor(settings: IndexedDbSettings) {
    this.settings = settings;
  }

  /**
   * Returns the open database, opening it if needed.
   *
   * @returns the connection, wrapped by `idb`
   * @throws {@link NotSupportedError}, {@link ProgrammingError} or {@link OperationalError}
   *   when it cannot be opened
   */
  database(): Promise<IDBPDatabase<RecorderSchema>> {
    if (this.#database === undefined) {
      const closes = this.#closes;
      const opening = openDatabase(this.settings).then((db) => {
        if (closes !== this.#closes) {
          // Closed while it was opening (an open can wait long for other tabs).
          db.close();
          throw closedConnection(`opening "${this.settings.dbName}"`);
        }
        const wrapped = wrap(db) as unknown as IDBPDatabase<RecorderSchema>;
        const forget = (): void => {
          if (this.#database === opening) this.#database = undefined;
          if (this.#opened === wrapped) this.#opened = undefined;
        };
        db.addEventListener('versionchange', forget);
        db.addEventListener('close', forget);
        this.#opened = wrapped;
        return wrapped;
      });
      this.#database = opening;
      // A failed open is not kept: the next use tries again.
      void opening.catch(() => {
        if (this.#database === opening) this.#database = undefined;
      });
    }
    return this.#database;
  }

  /**
   * Runs work in a new transaction over one store. The transaction is made synchronously
   * right after the connection is at hand (in the call itself when it is open); when the browser turns out to have closed the
   * connection, it is opened again once (nothing had been done yet, so this is safe). After
   * {@link IndexedDbConnection.close}, work that has no transaction yet is not started.
   *
   * @param store - the store
   * @param mode - `'readonly'` or `'readwrite'` (which uses the configured durability)
   * @param work - what to do in the transaction; it must await nothing but its requests
   * @returns what the work returns
   * @throws {@link OperationalError} when the connection is closed by `close()` first, or
   *   opening the database fails
   * @throws {@link ProgrammingError} when the database has no recorder stores and may not
   *   create them, or {@link NotSupportedError} when there is no IndexedDB
   */
  async run<Mode extends 'readonly' | 'readwrite', T>(
    store: StoreName,
    mode: Mode,
    work: (tx: StoreTransaction<Mode>) => Promise<T>,
  ): Promise<T> {
    const options: IDBTransactionOptions | undefined =
      mode === 'readwrite' ? { durability: this.settings.durability } : undefined;
    const closes = this.#closes;
    const what = `starting a transaction in "${this.settings.dbName}"`;
    let tx: StoreTransaction<Mode> | undefined;
    for (let attempt = 0; tx === undefined; attempt++) {
      // Open: the transaction is made at once, in the caller's turn, so a close() called right
      // after finds it started and waits for it. Not yet open (an open may wait long for other
      // tabs): close() ends the wait at once.
      const db = this.#opened ?? (await this.#untilClosed(this.database(), what));
      try {
        tx = db.transaction([store], mode, options);
      } catch (error) {
        if (errorName(error) !== 'InvalidStateError') throw translateError(error, what);
        if (attempt > 0 || closes !== this.#closes) throw closedConnection(what, error);
        // Closed by the browser, unnoticed: forget it, and open again.
        this.#database = undefined;
        this.#opened = undefined;
      }
    }
    const result = work(tx);
    // close() waits for the transaction and for the work's outcome: idb's promise of the
    // transaction rejects at a request's error, before a failing save's abort is over.
    const done = Promise.allSettled([tx.done, result]).then(ignore);
    this.#running.add(done);
    void done.then(() => this.#running.delete(done));
    return result;
  }

  /**
   * Waits for an open, or rejects as soon as {@link IndexedDbConnection.close} is called.
   *
   * @param opening - the open
   * @param what - what was being done, for the error
   * @returns the open database
   * @throws {@link OperationalError} when the connection is closed first
   */
  #untilClosed<T>(opening: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cancel = (): void => {
        reject(closedConnection(what));
      };
      this.#cancels.add(cancel);
      void opening.then(resolve, reject).finally(() => {
        this.#cancels.delete(cancel);
      });
    });
  }

  /**
   * Posts the ids of a save on the `BroadcastChannel` named after the database, opening the
   * channel on first use. Never throws: the save is already committed.
   *
   * @param message - the application name and the new notification ids
   */
  broadcast(message: NotificationBroadcast): void {
    if (!this.settings.broadcast || typeof BroadcastChannel === 'undefined') return;
    try {
      if (this.#channel === undefined) {
        this.#channel = new BroadcastChannel(this.settings.dbName);
        // In Node, a channel keeps the process alive; a sender need not.
        (this.#channel as { unref?: () => void }).unref?.();
      }
      this.#channel.postMessage(message);
      // Closed while the save was committing: post, but keep no channel open.
      if (this.#database === undefined) {
        this.#channel.close();
        this.#channel = undefined;
      }
    } catch {
      // A closed or unusable channel only costs other tabs a refresh.
    }
  }

  /**
   * Closes the channel and the connection, and resolves once the transactions already started
   * are over and the work in them has its outcome (a failing save's abort included). An open still waiting (for other tabs to close) is not waited for: the database
   * it gives is closed at once, and work waiting for it fails at once; the next use opens the
   * connection again.
   */
  async close(): Promise<void> {
    this.#channel?.close();
    this.#channel = undefined;
    this.#closes += 1;
    this.#database = undefined;
    this.#opened?.close();
    this.#opened = undefined;
    for (const cancel of this.#cancels) cancel();
    this.#cancels.clear();
    await Promise.all(this.#running);
  }
}

function ignore(): void {
  // Nothing to do: the error is reported elsewhere.
}

/**
 * The user's own application: the store it uses (kept in localStorage, so every tab and every
 * reload opens the same one), its saves, and news of other tabs' saves.
 *
 * @module
 */
import type { Worlds } from '../examples/world.js';
import type { Aggregate, Persistence } from '../src/index.js';
import {
  copyLog,
  forgetDatabase,
  holding,
  newDatabaseName,
  openWorlds,
  persistenceOf,
  storedCounts,
  type Backend,
  type CopyReport,
  type StoreConfig,
} from './stores.js';

const SETTINGS_KEY = 'eventsourcing-demo:store';
const FIRST_DATABASE = 'worlds-demo';
/**
 * The Web Lock every tab takes on the store: shared to read or save, exclusive to move the
 * events (copy them, change the settings, delete the database left). So no tab saves into,
 * or reads from, a database while another tab copies it away or deletes it. Without Web Locks
 * (a page not served over https or from localhost) tabs only check the settings first.
 */
const STORE_LOCK = 'eventsourcing-demo:store';

/** Why the page should draw itself again. */
export type Change =
  | { readonly kind: 'saved' }
  | { readonly kind: 'caught-up' }
  | { readonly kind: 'heard'; readonly notificationIds: readonly number[] }
  | { readonly kind: 'store'; readonly byOtherTab: boolean }
  | { readonly kind: 'busy'; readonly busy: boolean }
  | { readonly kind: 'problem'; readonly error: unknown; readonly doing: string };

/** What a move did. */
export type MoveResult =
  | {
      /** The log was copied into a new store, which the tab now uses. */
      readonly kind: 'copied';
      readonly from: StoreConfig;
      readonly to: StoreConfig;
      readonly copy: CopyReport;
      /** The database deleted because the tab had read all of it and left it, if any. */
      readonly deleted: string | undefined;
    }
  | {
      /**
       * Back from memory to the IndexedDB database every tab uses, which another tab changed
       * (or this tab never read): the tab opens it as it is and writes nothing into it.
       */
      readonly kind: 'reopened';
      readonly to: StoreConfig;
      /** How many events saved in memory only were not copied. */
      readonly leftBehind: number;
    };

/** Thrown when another tab moved the events while this tab was moving them. */
export class MovedAwayError extends Error {
  override readonly name = 'MovedAwayError';
}

/** The IndexedDB database a tab in memory came from. */
interface Origin {
  readonly config: StoreConfig;
  /** The last notification id the tab read from it; undefined when it never could read it. */
  readonly readUpTo: number | undefined;
  /** How many snapshots it had when the tab read it. */
  readonly snapshots: number;
  /** How many events the memory store had when it was made from the database. */
  readonly copied: number;
}

/** The user's application and where it keeps its events. */
export class Session {
  #following = true;
  #app: Worlds;
  #config: StoreConfig;
  #persistence: Persistence;
  #origin: Origin | undefined;
  #channel: BroadcastChannel | undefined;
  /** Store changes and saves run one at a time, in order. */
  #queue: Promise<unknown> = Promise.resolve();
  #moves = 0;
  readonly #ownIds = new Set<number>();
  readonly #listeners: ((change: Change) => void)[] = [];

  private constructor(app: Worlds, config: StoreConfig, persistence: Persistence, origin?: Origin) {
    this.#app = app;
    this.#config = config;
    this.#persistence = persistence;
    this.#origin = origin;
    this.#listen();
    window.addEventListener('storage', (event) => {
      if (event.key === SETTINGS_KEY) this.#follow();
    });
  }

  /**
   * Opens the store saved in localStorage (IndexedDB `worlds-demo` at first); when it cannot
   * be read, opens memory instead and returns why. The tab keeps the database's settings, so
   * that another key or a later switch tries it again.
   *
   * @returns the session, and the error that made it fall back to memory, if any
   */
  static async start(): Promise<{ session: Session; problem?: unknown }> {
    const config = readSettings();
    const persistence = persistenceOf(config);
    try {
      return { session: new Session(await openWorlds(config, persistence), config, persistence) };
    } catch (problem) {
      const fallback: StoreConfig = { backend: 'memory', dbName: config.dbName, key: null };
      const memory = persistenceOf(fallback);
      const origin: Origin = { config, readUpTo: undefined, snapshots: 0, copied: 0 };
      return {
        session: new Session(await openWorlds(fallback, memory), fallback, memory, origin),
        problem,
      };
    }
  }

  /** When false, other tabs' saves are not shown until the page reads again (to see conflicts). */
  get follow(): boolean {
    return this.#following;
  }

  /** Turning following on reads the store again, to catch up with what other tabs saved. */
  set follow(on: boolean) {
    const catchUp = on && !this.#following;
    this.#following = on;
    if (catchUp) this.#emit({ kind: 'caught-up' });
  }

  /** The application. */
  get app(): Worlds {
    return this.#app;
  }

  /**
   * Reads the current application with `read`. An error after a move replaced that application
   * (and closed it) is dropped: the move's own refresh draws the new one.
   *
   * @param read - the read, given the application
   */
  async readCurrent(read: (app: Worlds) => Promise<void>): Promise<void> {
    await holding(
      STORE_LOCK,
      async () => {
        // Another tab moved the events and deleted this database: reading it would open it
        // again, empty. This tab follows the move, then draws again (the storage event asks
        // for that too, but a tab that was still opening its store when it came missed it).
        if (this.#movedAway()) {
          this.#follow();
          return;
        }
        const app = this.#app;
        try {
          await read(app);
        } catch (error) {
          if (this.#app !== app) return;
          throw error;
        }
      },
      'shared',
    );
  }

  /** Where it keeps its events. */
  get config(): StoreConfig {
    return this.#config;
  }

  /** Whether a move of the events is running or waiting to run. */
  get busy(): boolean {
    return this.#moves > 0;
  }

  /**
   * Calls a function whenever the page should draw itself again.
   *
   * @param listener - the function
   */
  onChange(listener: (change: Change) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Saves aggregates, remembering the notification ids so that the broadcast of this save is
   * not taken for news from another tab. Waits for a move that runs, in this tab or another,
   * and saves where the events are after it.
   *
   * @param aggregates - the aggregates with pending events
   * @throws RecordConflictError when another tab saved one of these versions first
   */
  save(...aggregates: Aggregate[]): Promise<void> {
    return this.#onStore(async () => {
      try {
        const recordings = await this.#app.save(...aggregates);
        for (const r of recordings) this.#ownIds.add(r.notification.id);
      } finally {
        this.#emit({ kind: 'saved' });
      }
    });
  }

  /**
   * Takes a snapshot of a world. Waits for a move that runs.
   *
   * @param id - the world's id
   * @param version - the version to snapshot
   * @throws RecordConflictError when a snapshot of that version exists
   */
  takeSnapshot(id: string, version: number): Promise<void> {
    return this.#onStore(() => this.#app.takeSnapshot(id, { version }));
  }

  /**
   * Moves the application to another store: opens it empty, copies the whole log into it
   * (re-encoding every event), checks each reads back the same, then uses it. An IndexedDB
   * target is a new database that every tab then opens; the database this tab was on is
   * deleted. Back from memory, the tab never deletes a database it has not read in full:
   * when another tab changed the one it came from, it opens that one as it is instead.
   * Moves run one at a time.
   *
   * @param backend - IndexedDB or memory
   * @param key - the AES key to encrypt and compress with, or null for plain JSON
   * @returns what the move did
   * @throws MovedAwayError when another tab moved the events meanwhile (this tab follows)
   */
  moveTo(backend: Backend, key: string | null): Promise<MoveResult> {
    return this.#moving(async () => {
      const result =
        this.#config.backend === 'memory' && backend === 'indexeddb'
          ? await this.#leaveMemory(key)
          : await this.#copyTo(backend, key);
      this.#emit({ kind: 'store', byOtherTab: false });
      return result;
    });
  }

  /**
   * Opens the stored events with another key, as a user who typed one would; nothing changes
   * unless the key reads them. A tab that fell back to memory at start tries its IndexedDB
   * database again.
   *
   * @param key - the AES key (base64)
   * @returns how many events saved in memory only were left behind
   * @throws CipherError when the key does not decrypt the stored events
   */
  useKey(key: string): Promise<number> {
    return this.#moving(async () => {
      const origin = this.#origin;
      const retry =
        this.#config.backend === 'memory' && origin !== undefined && origin.readUpTo === undefined;
      // Not on a database another tab moved the events away from: opening it would make it
      // again, empty (this tab follows the move).
      if (!retry && this.#movedAway()) {
        throw new MovedAwayError('another tab moved the events to another database meanwhile');
      }
      // Retried on the database every tab uses now (another tab may have moved it).
      const target: StoreConfig = retry ? { ...readSettings(), key } : { ...this.#config, key };
      const persistence = retry ? persistenceOf(target) : this.#persistence;
      const app = await openWorlds(target, persistence);
      if (target.backend === 'indexeddb' && readSettings().dbName !== target.dbName) {
        await app.close();
        throw new MovedAwayError('another tab moved the events to another database meanwhile');
      }
      const leftBehind = retry ? await this.#memoryOnly() : 0;
      // The settings first: if they cannot be kept, the tab keeps using what it used.
      try {
        if (target.backend === 'indexeddb') writeSettings(target);
      } catch (error) {
        await app.close().catch(() => undefined);
        throw error;
      }
      await this.#use(app, target, persistence);
      if (retry) this.#origin = undefined;
      this.#emit({ kind: 'store', byOtherTab: false });
      return leftBehind;
    });
  }

  /** Copies the log into a new database or memory, and uses it. */
  async #copyTo(backend: Backend, key: string | null): Promise<MoveResult> {
    const from = this.#config;
    if (from.backend === 'indexeddb' && readSettings().dbName !== from.dbName) {
      throw new MovedAwayError('another tab moved the events to another database first');
    }
    const target: StoreConfig = {
      backend,
      dbName: backend === 'indexeddb' ? newDatabaseName(`${FIRST_DATABASE}-`) : from.dbName,
      key,
    };
    const { app, persistence, copy } = await this.#copyInto(target, () => {
      // Nothing awaits between this check and the settings' change: no other move of this
      // tab can come between, and a move of another tab shows here.
      if (from.backend === 'indexeddb' && readSettings().dbName !== from.dbName) {
        throw new MovedAwayError('another tab moved the events to another database meanwhile');
      }
      // Settings that cannot be kept (storage full or refused) undo the copy too.
      if (backend === 'indexeddb') writeSettings(target);
    });
    if (from.backend === 'indexeddb' && backend === 'memory') {
      this.#origin = { config: from, readUpTo: copy.lastId, snapshots: copy.snapshots, copied: copy.events };
    }
    await this.#use(app, target, persistence);
    // This tab was on that database and copied all of it: no one loses anything.
    const deleted = from.backend === 'indexeddb' && backend === 'indexeddb' ? from.dbName : undefined;
    if (deleted !== undefined) forgetDatabase(deleted);
    return { kind: 'copied', from, to: target, copy, deleted };
  }

  /**
   * From memory back to IndexedDB. When the database every tab uses is the one this tab came
   * from and no one wrote to it since (no event, no snapshot), the memory log goes into a new
   * database and the old one is deleted (this tab read all of it). Otherwise the tab opens the
   * database every tab uses, as it is, and copies nothing into it.
   */
  async #leaveMemory(key: string | null): Promise<MoveResult> {
    const origin = this.#origin;
    // Untouched: still every tab's database, with no event and no snapshot this tab has not read.
    const untouched = async (): Promise<boolean> => {
      if (origin?.readUpTo === undefined || readSettings().dbName !== origin.config.dbName) return false;
      const now = await storedCounts(origin.config.dbName);
      return (
        now?.lastId === origin.readUpTo &&
        now.snapshots === origin.snapshots &&
        readSettings().dbName === origin.config.dbName
      );
    };
    if (origin !== undefined && (await untouched())) {
      const from = this.#config;
      const target: StoreConfig = {
        backend: 'indexeddb',
        dbName: newDatabaseName(`${FIRST_DATABASE}-`),
        key,
      };
      const { app, persistence, copy } = await this.#copyInto(target);
      // Checked again after the copy, with nothing awaited before the settings change.
      if (await untouched()) {
        try {
          writeSettings(target);
        } catch (error) {
          await app.close().catch(() => undefined);
          forgetDatabase(target.dbName);
          throw error;
        }
        this.#origin = undefined;
        await this.#use(app, target, persistence);
        forgetDatabase(origin.config.dbName);
        return { kind: 'copied', from, to: target, copy, deleted: origin.config.dbName };
      }
      await app.close().catch(() => undefined);
      forgetDatabase(target.dbName);
    }
    const shared = readSettings();
    const persistence = persistenceOf(shared);
    const app = await openWorlds(shared, persistence);
    const leftBehind = await this.#memoryOnly();
    this.#origin = undefined;
    await this.#use(app, shared, persistence);
    return { kind: 'reopened', to: shared, leftBehind };
  }

  /**
   * Opens a new store and copies this tab's log into it. When the copy, or `check` run right
   * after it (the last checks, and keeping the settings), fails, the new store is closed
   * again, and deleted if it is a database.
   */
  async #copyInto(
    target: StoreConfig,
    check: () => void = () => undefined,
  ): Promise<{ app: Worlds; persistence: Persistence; copy: CopyReport }> {
    const persistence = persistenceOf(target);
    const app = await openWorlds(target, persistence);
    try {
      const copy = await copyLog(this.#app, app);
      check();
      return { app, persistence, copy };
    } catch (error) {
      await app.close().catch(() => undefined);
      if (target.backend === 'indexeddb') forgetDatabase(target.dbName);
      throw error;
    }
  }

  /** How many events the memory store has beyond those it was made from. */
  async #memoryOnly(): Promise<number> {
    return Math.max(0, (await this.#app.recorder.maxNotificationId()) - (this.#origin?.copied ?? 0));
  }

  async #use(app: Worlds, config: StoreConfig, persistence: Persistence): Promise<void> {
    const old = this.#app;
    this.#app = app;
    this.#config = config;
    this.#persistence = persistence;
    this.#ownIds.clear();
    this.#listen();
    if (old !== app) await old.close();
  }

  /**
   * Opens the store another tab moved to, in turn (memory tabs stay where they are); a failure
   * is shown as a problem.
   */
  #follow(): void {
    this.#inTurn(false, () => this.#followSettings()).catch((error: unknown) => {
      this.#emit({ kind: 'problem', error, doing: 'Opening the store another tab moved to' });
    });
  }

  async #followSettings(): Promise<void> {
    const settings = readSettings();
    if (this.#config.backend !== 'indexeddb') return;
    if (settings.dbName === this.#config.dbName && settings.key === this.#config.key) return;
    const persistence = persistenceOf(settings);
    try {
      await this.#use(await openWorlds(settings, persistence), settings, persistence);
    } finally {
      this.#emit({ kind: 'store', byOtherTab: true });
    }
  }

  /** Whether this tab is on an IndexedDB database that another tab moved the events away from. */
  #movedAway(): boolean {
    return this.#config.backend === 'indexeddb' && readSettings().dbName !== this.#config.dbName;
  }

  /**
   * Runs a save in turn, holding the store lock shared, on the store the events are in: when
   * another tab moved them meanwhile, this tab follows first (an aggregate read before the
   * move saves as well into the copy, which has every event it has).
   */
  #onStore<T>(job: () => Promise<T>): Promise<T> {
    return this.#inTurn(false, () =>
      holding(
        STORE_LOCK,
        async () => {
          await this.#followSettings();
          return job();
        },
        'shared',
      ),
    );
  }

  /** Runs a move in turn, holding the store lock alone: no tab saves or reads until it is done. */
  #moving<T>(job: () => Promise<T>): Promise<T> {
    return this.#inTurn(true, () => holding(STORE_LOCK, job));
  }

  /**
   * Runs a job after the ones before it. A move the user asked for marks the session busy
   * from the moment it is asked for until it is done, so the page can turn its controls off
   * at once.
   */
  #inTurn<T>(moves: boolean, job: () => Promise<T>): Promise<T> {
    if (moves && this.#moves++ === 0) this.#emit({ kind: 'busy', busy: true });
    const run = this.#queue.then(job);
    this.#queue = run.catch(() => undefined);
    if (!moves) return run;
    return run.finally(() => {
      if (--this.#moves === 0) this.#emit({ kind: 'busy', busy: false });
    });
  }

  #listen(): void {
    this.#channel?.close();
    this.#channel = undefined;
    if (this.#config.backend !== 'indexeddb' || typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(this.#config.dbName);
    channel.onmessage = (event: MessageEvent<unknown>) => {
      const data = event.data as { applicationName?: unknown; notificationIds?: unknown } | null;
      if (data?.applicationName !== this.#app.name || !Array.isArray(data.notificationIds)) return;
      const ids = (data.notificationIds as unknown[]).filter((id): id is number => typeof id === 'number');
      const news = ids.filter((id) => !this.#ownIds.has(id));
      if (news.length > 0 && this.#following) this.#emit({ kind: 'heard', notificationIds: news });
    };
    this.#channel = channel;
  }

  #emit(change: Change): void {
    for (const listener of this.#listeners) listener(change);
  }
}

function readSettings(): StoreConfig {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? 'null') as {
      dbName?: unknown;
      key?: unknown;
    } | null;
    if (typeof saved?.dbName === 'string' && (saved.key === null || typeof saved.key === 'string')) {
      return { backend: 'indexeddb', dbName: saved.dbName, key: saved.key };
    }
  } catch {
    // Unreadable settings: start from the first database.
  }
  return { backend: 'indexeddb', dbName: FIRST_DATABASE, key: null };
}

/** Keeps the store in localStorage. The key too: a demo's shortcut; a real app keeps keys elsewhere. */
function writeSettings(config: StoreConfig): void {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify({ dbName: config.dbName, key: config.key }));
}

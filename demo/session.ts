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
  openWorlds,
  persistenceOf,
  type Backend,
  type CopyReport,
  type StoreConfig,
} from './stores.js';

const SETTINGS_KEY = 'eventsourcing-demo:store';
const FIRST_DATABASE = 'worlds-demo';

/** Why the page should draw itself again. */
export type Change =
  | { readonly kind: 'saved' }
  | { readonly kind: 'caught-up' }
  | { readonly kind: 'heard'; readonly notificationIds: readonly number[] }
  | { readonly kind: 'store'; readonly byOtherTab: boolean }
  | { readonly kind: 'problem'; readonly error: unknown; readonly doing: string };

/** The user's application and where it keeps its events. */
export class Session {
  #following = true;
  #app: Worlds;
  #config: StoreConfig;
  #persistence: Persistence;
  #channel: BroadcastChannel | undefined;
  readonly #ownIds = new Set<number>();
  readonly #listeners: ((change: Change) => void)[] = [];

  private constructor(app: Worlds, config: StoreConfig, persistence: Persistence) {
    this.#app = app;
    this.#config = config;
    this.#persistence = persistence;
    this.#listen();
    window.addEventListener('storage', (event) => {
      if (event.key !== SETTINGS_KEY) return;
      this.#follow().catch((error: unknown) => {
        this.#emit({ kind: 'problem', error, doing: 'Opening the store another tab moved to' });
      });
    });
  }

  /**
   * Opens the store saved in localStorage (IndexedDB `worlds-demo` at first); when IndexedDB
   * cannot be used, opens memory instead and returns why.
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
      return { session: new Session(await openWorlds(fallback, memory), fallback, memory), problem };
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

  /** Where it keeps its events. */
  get config(): StoreConfig {
    return this.#config;
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
   * not taken for news from another tab.
   *
   * @param aggregates - the aggregates with pending events
   * @throws RecordConflictError when another tab saved one of these versions first
   */
  async save(...aggregates: Aggregate[]): Promise<void> {
    try {
      const recordings = await this.#app.save(...aggregates);
      for (const r of recordings) this.#ownIds.add(r.notification.id);
    } finally {
      this.#emit({ kind: 'saved' });
    }
  }

  /**
   * Moves the application to another store: opens it empty, copies the whole log into it
   * (re-encoding every event), checks each reads back the same, then uses it. An IndexedDB
   * target is a new database that every tab then opens; the old one is deleted.
   *
   * @param backend - IndexedDB or memory
   * @param key - the AES key to encrypt and compress with, or null for plain JSON
   * @returns what was copied
   */
  async moveTo(backend: Backend, key: string | null): Promise<CopyReport> {
    const target: StoreConfig = {
      backend,
      dbName: backend === 'indexeddb' ? `${FIRST_DATABASE}-${Date.now().toString(36)}` : this.#config.dbName,
      key,
    };
    const persistence = persistenceOf(target);
    const app = await openWorlds(target, persistence);
    let report: CopyReport;
    try {
      report = await copyLog(this.#app, app);
    } catch (error) {
      await app.close();
      if (backend === 'indexeddb') forgetDatabase(target.dbName);
      throw error;
    }
    await this.#use(app, target, persistence);
    if (backend === 'indexeddb') {
      const previous = readSettings();
      writeSettings(target);
      if (previous.dbName !== target.dbName) forgetDatabase(previous.dbName);
    }
    this.#emit({ kind: 'store', byOtherTab: false });
    return report;
  }

  /**
   * Opens the same store with another key, as a user who typed one would; nothing changes
   * unless the key reads the stored events.
   *
   * @param key - the AES key (base64)
   * @throws CipherError when the key does not decrypt the stored events
   */
  async useKey(key: string): Promise<void> {
    const target: StoreConfig = { ...this.#config, key };
    const app = await openWorlds(target, this.#persistence);
    await this.#use(app, target, this.#persistence);
    if (target.backend === 'indexeddb') writeSettings(target);
    this.#emit({ kind: 'store', byOtherTab: false });
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

  /** Opens the store another tab moved to (memory tabs stay where they are). */
  async #follow(): Promise<void> {
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

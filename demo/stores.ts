/**
 * Where the demo's applications keep their events: opening a `Worlds` application over
 * IndexedDB or memory, plain or encrypted and compressed, and copying one's log into another.
 *
 * @module
 */
import { WorldCreated, Worlds } from '../examples/world.js';
import { memory, type Persistence } from '../src/index.js';
import { AesGcmCipher } from '../src/cipher/index.js';
import { ZlibCompressor } from '../src/compressor/index.js';
import { indexedDb } from '../src/indexeddb/index.js';
import { eventFields } from './format.js';

/** The recorders the page can use. */
export type Backend = 'indexeddb' | 'memory';

/** Where and how an application keeps its events. */
export interface StoreConfig {
  /** IndexedDB (kept across reloads, shared by tabs) or memory (this tab only). */
  readonly backend: Backend;
  /** The IndexedDB database's name (also the name of its save broadcast). */
  readonly dbName: string;
  /** The AES key (base64) that encrypts the events, which are then also compressed; null for plain JSON. */
  readonly key: string | null;
}

/** The most notifications in a section of the user's log: small, so paging shows soon. */
export const SECTION_SIZE = 5;

/**
 * Makes the persistence of a store.
 *
 * @param config - the store
 * @returns a new persistence (a new memory for `memory`)
 */
export function persistenceOf(config: StoreConfig): Persistence {
  return config.backend === 'indexeddb' ? indexedDb({ dbName: config.dbName }) : memory();
}

/** The browser cannot encrypt with a key (Chromium's WebCrypto has no AES-192). */
export class KeyRefusedError extends Error {
  override name = 'KeyRefusedError';
}

/**
 * Opens the user's `Worlds` application over a store, with snapshotting on, and checks that it
 * can read and write what is there: storage is available, the browser encrypts with the key,
 * and the key decrypts the first event.
 *
 * @param config - the store
 * @param persistence - the persistence to use (a new one of the config's by default)
 * @returns the application
 * @throws OperationalError when IndexedDB cannot be used, KeyRefusedError when the browser
 *   cannot encrypt with the key, CipherError on a wrong key
 */
export async function openWorlds(
  config: StoreConfig,
  persistence: Persistence = persistenceOf(config),
): Promise<Worlds> {
  const cipher = config.key === null ? undefined : new AesGcmCipher(config.key);
  const codecs = cipher === undefined ? {} : { cipher, compressor: new ZlibCompressor() };
  const app = new Worlds({
    persistence,
    snapshotting: true,
    sectionSize: SECTION_SIZE,
    ...codecs,
  });
  try {
    // Decrypting the first event alone would pass a key the browser refuses on an empty store.
    await cipher?.encrypt(new Uint8Array(1)).catch((error: unknown) => {
      throw new KeyRefusedError('this browser cannot encrypt with the key', { cause: error });
    });
    const [first] = await app.log.select(1, 1);
    if (first !== undefined) await app.mapper.toDomainEvent(first);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

/**
 * Lists the ids of the worlds of an application, oldest first, from the `World.Created`
 * notifications of its log (a query over the log: the application needs no list of its own).
 *
 * @param app - the application
 * @returns the world ids
 */
export async function worldIds(app: Worlds): Promise<string[]> {
  const ids: string[] = [];
  const size = app.log.sectionSize;
  for (let start = 1; ;) {
    const found = await app.log.select(start, size, { topics: [WorldCreated.topic] });
    for (const n of found) ids.push(n.originatorId);
    const last = found[found.length - 1];
    if (found.length < size || last === undefined) return ids;
    start = last.id + 1;
  }
}

/** What a copy of a log did. */
export interface CopyReport {
  /** How many events were copied. */
  readonly events: number;
  /** How many snapshots were copied. */
  readonly snapshots: number;
  /** The id, in the source's log, of the last notification copied (0 when none). */
  readonly lastId: number;
}

/**
 * Copies an application's log into another (empty) one, in notification order, re-encoding
 * each event with the target's mapper; then reads every copied event back and checks that it
 * decodes to the same event. Snapshots are copied too, and then any event that reached the
 * source during the copy.
 *
 * @param from - the application to copy
 * @param to - an application over an empty store
 * @returns how much was copied
 * @throws Error when a copied event does not read back the same
 */
export async function copyLog(from: Worlds, to: Worlds): Promise<CopyReport> {
  let { events, lastId } = await copyEvents(from, to, 0, 0);
  let snapshots = 0;
  if (from.snapshots !== undefined && to.snapshots !== undefined) {
    for (const id of await worldIds(from)) {
      const taken = await from.snapshots.get(id);
      await to.snapshots.put(taken);
      snapshots += taken.length;
    }
  }
  // Another tab may have saved meanwhile: copy those events too.
  while ((await from.recorder.maxNotificationId()) > lastId) {
    ({ events, lastId } = await copyEvents(from, to, events, lastId));
  }
  return { events, snapshots, lastId };
}

async function copyEvents(
  from: Worlds,
  to: Worlds,
  copiedBefore: number,
  after: number,
): Promise<{ events: number; lastId: number }> {
  const size = from.log.sectionSize;
  let events = copiedBefore;
  let lastId = after;
  for (;;) {
    const items = await from.recorder.selectNotifications(lastId + 1, size);
    const last = items[items.length - 1];
    if (last === undefined) return { events, lastId };
    const domainEvents = await from.mapper.toDomainEvents(items);
    const ids = await to.recorder.insertEvents(await to.mapper.toStoredEvents(domainEvents));
    const first = ids[0] ?? 1;
    const copied = await to.mapper.toDomainEvents(await to.recorder.selectNotifications(first, ids.length));
    domainEvents.forEach((event, i) => {
      const again = copied[i];
      if (again === undefined || eventFields(again) !== eventFields(event)) {
        throw new Error(`copy: event ${String(events + i + 1)} does not read back the same`);
      }
    });
    events += domainEvents.length;
    lastId = last.id;
  }
}

/** What a database holds, as far as a tab that read all of it can tell whether it changed. */
export interface StoredCounts {
  /** The id of the last notification (0 for an empty log). */
  readonly lastId: number;
  /** How many snapshots its worlds have. */
  readonly snapshots: number;
}

/**
 * Reads the id of the last notification in a database and counts its snapshots, without
 * decoding anything (topics and versions are not encrypted).
 *
 * @param dbName - the database
 * @returns the counts, or undefined when the database cannot be read (or is gone)
 */
export async function storedCounts(dbName: string): Promise<StoredCounts | undefined> {
  let app: Worlds | undefined;
  try {
    app = new Worlds({
      persistence: indexedDb({ dbName, createStores: false, broadcast: false }),
      snapshotting: true,
      sectionSize: SECTION_SIZE,
    });
    const lastId = await app.recorder.maxNotificationId();
    const snapshots = app.snapshots as NonNullable<Worlds['snapshots']>;
    let count = 0;
    for (const id of await worldIds(app)) count += (await snapshots.recorder.selectEvents(id)).length;
    return { lastId, snapshots: count };
  } catch {
    return undefined;
  } finally {
    await app?.close().catch(() => undefined);
  }
}

/**
 * Makes a name no other database has, for a new database.
 *
 * @param prefix - the start of the name, such as `worlds-demo-`
 * @returns the name
 */
export function newDatabaseName(prefix: string): string {
  if (typeof crypto.randomUUID === 'function') return `${prefix}${crypto.randomUUID()}`;
  // randomUUID needs a secure context; getRandomValues does not.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Deletes an IndexedDB database without waiting: the browser deletes it once every tab has
 * closed its connections to it.
 *
 * @param dbName - the database
 */
export function forgetDatabase(dbName: string): void {
  try {
    indexedDB.deleteDatabase(dbName);
  } catch {
    // Storage that cannot be opened holds nothing to delete.
  }
}

/** The start of the name of each replay's own database. */
export const REPLAY_PREFIX = 'worlds-replay-';

/**
 * Runs a function while holding a Web Lock of a name, so that other tabs can tell that it
 * runs, or wait for it; without Web Locks, just runs it. A job must never wait for another
 * request of the same lock: that request waits for the job.
 *
 * @param name - the lock's name
 * @param job - the function
 * @param mode - `exclusive` (the default) or `shared` with other shared holders
 * @returns what the function returns
 */
export function holding<T>(name: string, job: () => Promise<T>, mode: LockMode = 'exclusive'): Promise<T> {
  const locks = webLocks();
  return locks === undefined ? job() : locks.request(name, { mode }, job);
}

/** The Web Locks of the page; undefined in browsers (or insecure pages) without them. */
function webLocks(): LockManager | undefined {
  return 'locks' in navigator ? navigator.locks : undefined;
}

/**
 * Deletes the databases of replays that no tab runs any more (a reload cut them off): each
 * running replay holds a lock named after its database. Does nothing without Web Locks.
 */
export async function forgetOldReplays(): Promise<void> {
  const locks = webLocks();
  if (locks === undefined) return;
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
  const names = (await indexedDB.databases())
    .map((d) => d.name)
    .filter((name): name is string => name?.startsWith(REPLAY_PREFIX) === true);
  await Promise.all(
    names.map((name) =>
      locks.request(name, { ifAvailable: true }, async (lock) => {
        if (lock !== null) await deleted(name);
      }),
    ),
  );
}

/** Deletes a database and waits until it is gone (or another connection holds it open). */
function deleted(dbName: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(dbName);
    request.onsuccess =
      request.onerror =
      request.onblocked =
        () => {
          resolve();
        };
  });
}

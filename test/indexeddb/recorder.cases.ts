/**
 * IndexedDB-specific recorder tests, shared by the Node (fake-indexeddb) and Chromium test
 * files: durability across reopening, many connections at once, aborts, upgrades from other
 * connections, the broadcast, and the options.
 */
import { deleteDB, openDB, unwrap } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DataError,
  JsonTranscoder,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
  RecordConflictError,
  type StoredEvent,
} from '../../src/index.js';
import { World, Worlds } from '../../examples/world.js';
import { AesGcmCipher } from '../../src/cipher/index.js';
import {
  indexedDb,
  IndexedDbApplicationRecorder,
  type IndexedDbOptions,
  type NotificationBroadcast,
} from '../../src/indexeddb/index.js';
import { newId, stored } from '../recorders/recorder.suite.js';
import { freshDbName } from './examples.cases.js';

/** A recorder that lets tests reach its connection, to close it under the recorder. */
export class ExposedRecorder extends IndexedDbApplicationRecorder {
  /** Returns the raw connection the recorder is using. */
  async rawDatabase(): Promise<IDBDatabase> {
    return unwrap(await this.connection.database());
  }
}

/**
 * Spies on the `add` of object stores: `before` runs ahead of each call with the store and the
 * call's number (from 1), and may throw, abort or commit; then the native `add` runs.
 */
function interceptAdd(before: (store: IDBObjectStore, call: number) => void): void {
  const add = Object.getOwnPropertyDescriptor(IDBObjectStore.prototype, 'add')?.value as (
    this: IDBObjectStore,
    ...args: Parameters<IDBObjectStore['add']>
  ) => IDBRequest<IDBValidKey>;
  let calls = 0;
  vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, ...args) {
    calls += 1;
    before(this, calls);
    return add.apply(this, args);
  });
}

/** Resolves when the next add to an object store is made (just before the native add). */
function nextAdd(): Promise<void> {
  return new Promise((resolve) => {
    interceptAdd(() => {
      resolve();
    });
  });
}

/**
 * Notes when a transaction fires `type`, through a listener added before any of the recorders'
 * own: in a browser, promise callbacks run between one listener and the next, so a listener
 * added later may not have run when the recorder's promise settles.
 */
function watchTransactions(type: 'complete' | 'abort'): { readonly fired: boolean } {
  const transaction = Object.getOwnPropertyDescriptor(IDBDatabase.prototype, 'transaction')
    ?.value as IDBDatabase['transaction'];
  const seen = { fired: false };
  vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args) {
    const tx = transaction.apply(this, args);
    tx.addEventListener(type, () => {
      seen.fired = true;
    });
    return tx;
  });
  return seen;
}

/** Reads the version of a database, opening and closing a connection of its own. */
export async function versionOf(dbName: string): Promise<number> {
  const db = await openDB(dbName);
  const { version } = db;
  db.close();
  return version;
}

/** Defines the IndexedDB-specific tests. */
export function describeIndexedDbCases(): void {
  describe('IndexedDB recorder behaviour', () => {
    const closers: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      vi.restoreAllMocks();
      vi.unstubAllGlobals();
      for (const close of closers.splice(0)) await close();
    });

    function recorder(options: IndexedDbOptions, name = 'App'): ExposedRecorder {
      const r = new ExposedRecorder(name, options);
      closers.push(() => r.close());
      return r;
    }

    function channel(dbName: string): BroadcastChannel {
      const c = new BroadcastChannel(dbName);
      closers.push(() => {
        c.close();
      });
      return c;
    }

    it('keeps what was saved for a new recorder over the same database, and never reuses an id', async () => {
      const dbName = freshDbName();
      const first = recorder({ dbName });
      const id = newId();
      expect(await first.insertEvents([stored(id, 1), stored(id, 2)])).toEqual([1, 2]);
      await first.close();

      // A new recorder with its own connection sees everything, bytes and all.
      const second = recorder({ dbName });
      const events = await second.selectEvents(id);
      expect(events.map((e) => new TextDecoder().decode(e.state))).toEqual(['{"n":1}', '{"n":2}']);
      expect(await second.maxNotificationId()).toBe(2);
      // Its saves continue the log after the committed ids.
      expect(await second.insertEvents([stored(id, 3)])).toEqual([3]);
      // A closed recorder opens again when used.
      expect(await first.maxNotificationId()).toBe(3);
    });

    it('stores states the transcoder wrote into a shared block as exactly their bytes', async () => {
      const dbName = freshDbName();
      const transcoder = new JsonTranscoder();
      const id = newId();
      const states = [1, 2, 3].map((n) => transcoder.encode({ n }));
      // Views of one 16 KiB block: structured-cloned as they are, each would store the block.
      expect(states.every((state) => state.buffer === states[0]?.buffer)).toBe(true);
      expect(states[0]?.buffer.byteLength).toBe(16_384);
      const first = recorder({ dbName });
      await first.insertEvents(states.map((state, i) => ({ ...stored(id, i + 1), state })));
      await first.close();
      const second = recorder({ dbName });
      const read = [...(await second.selectEvents(id)), ...(await second.selectNotifications(1, 3))];
      expect(read.map((e) => new TextDecoder().decode(e.state))).toEqual([
        ...['{"n":1}', '{"n":2}', '{"n":3}'],
        ...['{"n":1}', '{"n":2}', '{"n":3}'],
      ]);
      for (const { state } of read) expect(state.buffer.byteLength).toBe(state.byteLength);
    });

    it('lands hundreds of concurrent saves from two connections, none lost or duplicated', async () => {
      const dbName = freshDbName();
      const writers = [recorder({ dbName }), recorder({ dbName })];
      // 300 saves of one to three events each, alternating between the two connections.
      const batches = Array.from({ length: 300 }, (_, i) => {
        const id = newId();
        return Array.from({ length: (i % 3) + 1 }, (_, v) => stored(id, v + 1));
      });
      const results = await Promise.all(
        batches.map((batch, i) => (writers[i % 2] as ExposedRecorder).insertEvents(batch)),
      );
      const total = batches.reduce((n, b) => n + b.length, 0);
      const all = results.flat();
      expect(all.length).toBe(total);
      expect(new Set(all).size).toBe(total);
      // Each batch got a contiguous block of ids.
      for (const ids of results) {
        ids.forEach((id, k) => {
          expect(id).toBe((ids[0] as number) + k);
        });
      }

      // Read back in sections of 100 from either connection: ids 1..total, strictly increasing.
      const seen: number[] = [];
      const events = new Map<string, number[]>();
      for (let start = 1; ; start += 100) {
        const section = await (writers[start % 2] as ExposedRecorder).selectNotifications(start, 100);
        if (section.length === 0) break;
        for (const n of section) {
          seen.push(n.id);
          events.set(n.originatorId, [...(events.get(n.originatorId) ?? []), n.originatorVersion]);
        }
      }
      expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      // Every originator's events are there once, in version order.
      for (const batch of batches) {
        expect(events.get((batch[0] as StoredEvent).originatorId)).toEqual(
          batch.map((e) => e.originatorVersion),
        );
      }
    });

    it('gives one winner and one RecordConflictError when two connections save the same version', async () => {
      const dbName = freshDbName();
      const [one, two] = [recorder({ dbName }), recorder({ dbName })];
      for (let round = 0; round < 10; round++) {
        // Each save holds a new aggregate and the contested version of a shared one.
        const [contested, a, b] = [newId(), newId(), newId()];
        const outcomes = await Promise.allSettled([
          one.insertEvents([stored(a, 1), stored(contested, 1, 'topic1', '{"from":1}')]),
          two.insertEvents([stored(b, 1), stored(contested, 1, 'topic1', '{"from":2}')]),
        ]);
        const won = outcomes.findIndex((o) => o.status === 'fulfilled');
        const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toBeGreaterThanOrEqual(0);
        expect(lost?.reason).toBeInstanceOf(RecordConflictError);
        expect((lost?.reason as Error).cause).toMatchObject({ name: 'ConstraintError' });
        // The winner's events are there; nothing of the loser's.
        const [winner, loser] = won === 0 ? [a, b] : [b, a];
        expect((await two.selectEvents(winner)).length).toBe(1);
        expect(await one.selectEvents(loser)).toEqual([]);
        const [kept] = await one.selectEvents(contested);
        expect(new TextDecoder().decode(kept?.state)).toBe(`{"from":${String(won + 1)}}`);
      }
      // Ten rounds of two committed events: the log has no holes.
      expect(await one.maxNotificationId()).toBe(20);
    });

    it('writes nothing when a request fails part-way through a save', async () => {
      const dbName = freshDbName();
      const r = recorder({ dbName });
      const [a, b] = [newId(), newId()];
      await r.insertEvents([stored(a, 1)]);
      // IndexedDB refuses the third add (as it does a key or value it cannot take, which the
      // recorder's own checks leave no way to send): the whole save is aborted.
      interceptAdd((_, call) => {
        if (call === 3) throw new DOMException('The data provided does not meet requirements.', 'DataError');
      });
      const error = await r.insertEvents([stored(b, 1), stored(b, 2), stored(b, 3)]).catch((e: unknown) => e);
      vi.restoreAllMocks();
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toMatch(/nothing was written/);
      expect((error as Error).cause).toMatchObject({ name: 'DataError' });
      expect(await r.selectEvents(b)).toEqual([]);
      expect(await r.maxNotificationId()).toBe(1);
      // The ids the aborted save took are given again: no reader ever saw them.
      expect(await r.insertEvents([stored(b, 1)])).toEqual([2]);
    });

    it('never returns ids when an add throws after the transaction has finished', async () => {
      const r = recorder({ dbName: freshDbName() });
      const [a, b] = [newId(), newId()];
      await r.insertEvents([stored(a, 1)]);
      // The third add finds its transaction already committing (as where promise callbacks
      // run after IndexedDB's auto-commit): it throws, and the transaction can no longer be
      // aborted, so what was written is not known.
      interceptAdd((store, call) => {
        if (call === 3) {
          store.transaction.commit();
          throw new DOMException('The transaction is not active.', 'TransactionInactiveError');
        }
      });
      const error = await r.insertEvents([stored(b, 1), stored(b, 2), stored(b, 3)]).catch((e: unknown) => e);
      vi.restoreAllMocks();
      expect(error).toBeInstanceOf(OperationalError);
      expect((error as Error).message).toMatch(
        /^indexeddb: saving to ".*" failed .*2 of the batch's events had been added and may be written; the outcome is not known/,
      );
      expect((error as Error).cause).toMatchObject({ name: 'TransactionInactiveError' });
      // Indeed part of the batch was committed: the save could not be atomic.
      expect((await r.selectEvents(b)).map((e) => e.originatorVersion)).toEqual([1, 2]);
      // When the first add is the one that throws, nothing was added, and the error says so.
      const c = newId();
      interceptAdd((store) => {
        store.transaction.commit();
        throw new DOMException('The transaction is not active.', 'TransactionInactiveError');
      });
      const first = await r.insertEvents([stored(c, 1), stored(c, 2)]).catch((e: unknown) => e);
      vi.restoreAllMocks();
      expect(first).toBeInstanceOf(OperationalError);
      expect((first as Error).message).toMatch(/no event had been added, so nothing was written$/);
      expect(await r.selectEvents(c)).toEqual([]);
    });

    it('reports a read bound IndexedDB refuses as a DataError', async () => {
      const r = recorder({ dbName: freshDbName() });
      const id = newId();
      await r.insertEvents([stored(id, 1)]);
      // The recorder checks bounds first (NaN is a RangeError), so IndexedDB's own refusal is
      // made here: the read fails with the library's DataError, the cause kept.
      vi.spyOn(IDBKeyRange, 'bound').mockImplementationOnce(() => {
        throw new DOMException('The parameter is not a valid key.', 'DataError');
      });
      const error = await r.selectEvents(id, { gt: 0 }).catch((e: unknown) => e);
      vi.restoreAllMocks();
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toMatch(
        /^indexeddb: reading from ".*" failed: IndexedDB refused a key/,
      );
      expect((error as Error).cause).toMatchObject({ name: 'DataError' });
      // The recorder still works.
      expect((await r.selectEvents(id)).length).toBe(1);
    });

    it('turns a transaction aborted from outside into OperationalError, writing nothing', async () => {
      const r = recorder({ dbName: freshDbName() });
      const [a, b] = [newId(), newId()];
      await r.insertEvents([stored(a, 1)]);
      // The tenth add finds its transaction aborted, as when the browser aborts it.
      interceptAdd((store, call) => {
        if (call === 10) store.transaction.abort();
      });
      const error = await r
        .insertEvents(Array.from({ length: 20 }, (_, v) => stored(b, v + 1)))
        .catch((e: unknown) => e);
      vi.restoreAllMocks();
      expect(error).toBeInstanceOf(OperationalError);
      expect((error as Error).message).toMatch(/^indexeddb: saving to ".*" failed .*nothing was written/);
      expect(await r.selectEvents(b)).toEqual([]);
      expect(await r.maxNotificationId()).toBe(1);
    });

    it('turns QuotaExceededError into OperationalError, writing nothing', async () => {
      const r = recorder({ dbName: freshDbName() });
      const id = newId();
      // The third add is refused for want of space, after two were accepted.
      interceptAdd((_, call) => {
        if (call === 3) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      });
      const error = await r.insertEvents([1, 2, 3, 4].map((v) => stored(id, v))).catch((e: unknown) => e);
      vi.restoreAllMocks();
      expect(error).toBeInstanceOf(OperationalError);
      expect((error as Error).message).toMatch(/storage quota is exceeded; nothing was written/);
      expect((error as Error).cause).toMatchObject({ name: 'QuotaExceededError' });
      // The two accepted adds were rolled back with the rest.
      expect(await r.selectEvents(id)).toEqual([]);
      expect(await r.maxNotificationId()).toBe(0);
    });

    it('reopens a connection that was closed under it', async () => {
      const r = recorder({ dbName: freshDbName() });
      const id = newId();
      await r.insertEvents([stored(id, 1)]);
      // Close the recorder's connection behind its back: the next save opens a new one.
      (await r.rawDatabase()).close();
      expect(await r.insertEvents([stored(id, 2)])).toEqual([2]);
      (await r.rawDatabase()).close();
      expect((await r.selectEvents(id)).length).toBe(2);
    });

    it('closes for an upgrade or a deletion from another connection, then carries on', async () => {
      const dbName = freshDbName();
      const r = recorder({ dbName });
      const id = newId();
      await r.insertEvents([stored(id, 1)]);

      // Another connection upgrades the database: it is not blocked, as the recorder closes.
      let blocked = 0;
      const version = await versionOf(dbName);
      const other = await openDB(dbName, version + 1, {
        upgrade(db) {
          db.createObjectStore('extra');
        },
        blocked() {
          blocked += 1;
        },
      });
      expect(blocked).toBe(0);
      other.close();
      // The recorder opens the upgraded database and carries on.
      expect(await r.insertEvents([stored(id, 2)])).toEqual([2]);
      expect(await versionOf(dbName)).toBe(version + 1);

      // A deletion is not blocked either; the next use starts a new, empty database.
      await deleteDB(dbName, {
        blocked() {
          blocked += 1;
        },
      });
      expect(blocked).toBe(0);
      expect(await r.maxNotificationId()).toBe(0);
    });

    it('waits for a connection that does not close, and says so through onBlocked', async () => {
      const dbName = freshDbName();
      // A database made by other code, without the recorder's stores; its connection stays open.
      const foreign = await openDB(dbName, 1, {
        upgrade(db) {
          db.createObjectStore('other');
        },
      });
      let calls = 0;
      const r = recorder({
        dbName,
        onBlocked: () => {
          calls += 1;
          foreign.close();
        },
      });
      // Adding the stores needs an upgrade, which waits until the other connection closes.
      expect(await r.insertEvents([stored(newId(), 1)])).toEqual([1]);
      expect(calls).toBe(1);
      const db = await openDB(dbName);
      expect([...db.objectStoreNames].sort()).toEqual(['other', 'snapshots', 'stored_events']);
      db.close();
    });

    it('closes at once while an open waits, and the waiting save never lands', async () => {
      const dbName = freshDbName();
      // A database made by other code, whose connection stays open: adding the stores waits.
      const foreign = await openDB(dbName, 1, {
        upgrade(db) {
          db.createObjectStore('other');
        },
      });
      closers.push(() => {
        foreign.close();
      });
      let blocked!: () => void;
      const isBlocked = new Promise<void>((resolve) => {
        blocked = resolve;
      });
      const r = recorder({
        dbName,
        onBlocked: () => {
          blocked();
        },
      });
      const id = newId();
      const save = r.insertEvents([stored(id, 1)]).catch((e: unknown) => e);
      await isBlocked;
      // close() does not wait for the open: it resolves while the other connection still
      // blocks it (were it to wait, this would never resolve, and the test would time out).
      await r.close();
      // The save waiting for the open fails at once, as on a closed connection.
      const error = await save;
      expect(error).toBeInstanceOf(OperationalError);
      expect((error as Error).message).toMatch(/the connection is closed/);

      // When the other connection goes, the open completes, and the database it gives is
      // closed at once; nothing was written.
      const close = Object.getOwnPropertyDescriptor(IDBDatabase.prototype, 'close')?.value as () => void;
      const closedUpgraded = new Promise<void>((resolve) => {
        vi.spyOn(IDBDatabase.prototype, 'close').mockImplementation(function (this: IDBDatabase) {
          close.call(this);
          if (this.version === 2) resolve();
        });
      });
      foreign.close();
      await closedUpgraded;
      vi.restoreAllMocks();
      expect(await recorder({ dbName }).selectEvents(id)).toEqual([]);
    });

    it('waits in close() for the transactions already started, a save made just before it included', async () => {
      const r = recorder({ dbName: freshDbName() });
      const [a, b] = [newId(), newId()];
      await r.insertEvents([stored(a, 1)]);
      // A save already writing when close() is called commits before close() resolves. (The
      // commit is seen by a listener added first, before any of the recorder's own.)
      const committed = watchTransactions('complete');
      const isWriting = nextAdd();
      const landed = r.insertEvents([stored(a, 2)]);
      await isWriting;
      vi.restoreAllMocks();
      await r.close();
      expect(committed.fired).toBe(true);
      expect(await landed).toEqual([2]);
      // A save made just before close(), on the open connection, has its transaction at once,
      // so close() waits for it too. (One still waiting for an open fails: see below.)
      expect(await r.maxNotificationId()).toBe(2);
      const late = r.insertEvents([stored(b, 1)]);
      await r.close();
      expect(await late).toEqual([3]);
      expect((await r.selectEvents(a)).length).toBe(2);
      expect((await r.selectEvents(b)).length).toBe(1);
    });

    it('waits in close() for a failing save until its transaction has aborted and the save has its error', async () => {
      const r = recorder({ dbName: freshDbName() });
      const id = newId();
      await r.insertEvents([stored(id, 1)]);
      const aborted = watchTransactions('abort');
      const isWriting = nextAdd();
      // A conflict: the request's error comes first, the transaction's abort after it.
      let outcome: unknown;
      const save = r.insertEvents([stored(id, 1)]).catch((e: unknown) => {
        outcome = e;
      });
      await isWriting;
      vi.restoreAllMocks();
      await r.close();
      expect(aborted.fired).toBe(true);
      expect(outcome).toBeInstanceOf(RecordConflictError);
      await save;
    });

    it("refuses in an application's close() a save still encrypting, so none reopens a deleted database", async () => {
      // With a cipher, a save has no transaction yet while it encrypts.
      const dbName = freshDbName();
      const app = new Worlds({
        persistence: indexedDb({ dbName }),
        cipher: new AesGcmCipher(AesGcmCipher.createKey(32)),
      });
      await app.createWorld();
      const saving = app.save(World.create()).catch((e: unknown) => e);
      await app.close();
      // Then the database is deleted (a sign-out): nothing made before close() brings it back.
      await deleteDB(dbName);
      expect(await saving).toBeInstanceOf(OperationalError);
      // A save begun after close() was called, before it resolved, is refused as well.
      const again = new Worlds({
        persistence: indexedDb({ dbName }),
        cipher: new AesGcmCipher(AesGcmCipher.createKey(32)),
      });
      await again.createWorld();
      const closing = again.close();
      const late = again.save(World.create()).catch((e: unknown) => e);
      await closing;
      await deleteDB(dbName);
      expect(await late).toBeInstanceOf(OperationalError);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(dbName);
    });

    it("waits in an application's close() for a save already writing, and takes no snapshot after it", async () => {
      const dbName = freshDbName();
      const app = new Worlds({
        persistence: indexedDb({ dbName }),
        snapshotting: { intervals: [[World, 1]] },
      });
      await app.createWorld();
      const isWriting = nextAdd();
      const world = World.create();
      const saving = app.save(world);
      await isWriting;
      vi.restoreAllMocks();
      await app.close();
      // Committed before close() resolved, with no automatic snapshot once close() was called.
      const reopened = new Worlds({ persistence: indexedDb({ dbName }), snapshotting: true });
      expect((await reopened.repository.get(world.id)).version).toBe(1);
      expect(await reopened.snapshots?.get(world.id)).toEqual([]);
      await reopened.close();
      expect(await saving).toHaveLength(1);
      await deleteDB(dbName);
      expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(dbName);
    });

    it("takes no automatic snapshot when an application's close() cuts its read short", async () => {
      const dbName = freshDbName();
      const app = new Worlds({
        persistence: indexedDb({ dbName }),
        snapshotting: { intervals: [[World, 1]] },
      });
      const snapshots = app.snapshots?.recorder;
      if (snapshots === undefined) throw new Error('test: snapshotting is on');
      // close() is called while the automatic snapshot after the save reads the snapshots.
      let closing: Promise<void> | undefined;
      const select = snapshots.selectEvents.bind(snapshots);
      vi.spyOn(snapshots, 'selectEvents').mockImplementation((...args) => {
        const reading = select(...args);
        closing ??= app.close();
        return reading;
      });
      const world = World.create();
      // The save was committed: it returns its recordings, without an AutomaticSnapshotError.
      expect(await app.save(world)).toHaveLength(1);
      // close() was called from the read, and resolves.
      expect(closing).toBeInstanceOf(Promise);
      await closing;
      // The event is stored, and no snapshot of it.
      const reopened = new Worlds({ persistence: indexedDb({ dbName }), snapshotting: true });
      expect((await reopened.repository.get(world.id)).version).toBe(1);
      expect(await reopened.snapshots?.get(world.id)).toEqual([]);
      await reopened.close();
    });

    it("refuses a snapshot begun during an application's close(), which reopens nothing", async () => {
      const dbName = freshDbName();
      const app = new Worlds({ persistence: indexedDb({ dbName }), snapshotting: true });
      const world = World.create();
      await app.save(world);
      // Another tab deletes the database (a sign-out), held up by a connection that stays.
      const other = await openDB(dbName);
      closers.push(() => {
        other.close();
      });
      const deleting = new Promise<void>((resolve) => {
        indexedDB.deleteDatabase(dbName).onsuccess = () => {
          resolve();
        };
      });
      const closing = app.close();
      const snapshot = app.takeSnapshot(world.id).catch((e: unknown) => e);
      // close() resolves while the other connection stays: the snapshot read nothing.
      await closing;
      expect(await snapshot).toBeInstanceOf(OperationalError);
      other.close();
      await deleting;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(dbName);
    });

    it("stops a snapshot between its two reads when an application's close() is called, reopening nothing", async () => {
      for (const automatic of [false, true]) {
        const dbName = freshDbName();
        const app = new Worlds({
          persistence: indexedDb({ dbName }),
          snapshotting: automatic ? { intervals: [[World, 2]] } : true,
        });
        const world = World.create();
        await app.save(world);
        const snapshots = app.snapshots?.recorder;
        if (snapshots === undefined) throw new Error('test: snapshotting is on');
        // Another tab deletes the database (a sign-out), held up by a connection that stays;
        // close() is called once the snapshot has read the snapshots, before it reads events.
        const other = await openDB(dbName);
        closers.push(() => {
          other.close();
        });
        let closing: Promise<void> | undefined;
        let deleting: Promise<void> | undefined;
        const select = snapshots.selectEvents.bind(snapshots);
        vi.spyOn(snapshots, 'selectEvents').mockImplementation(async (...args) => {
          const selected = await select(...args);
          deleting ??= new Promise<void>((resolve) => {
            indexedDB.deleteDatabase(dbName).onsuccess = () => {
              resolve();
            };
          });
          closing ??= app.close();
          return selected;
        });
        world.makeItSo('x');
        const outcome = automatic
          ? app.save(world).catch((e: unknown) => e)
          : app.takeSnapshot(world.id).catch((e: unknown) => e);
        await vi.waitUntil(() => closing !== undefined);
        // close() resolves while the other connection stays: the events were not read.
        await closing;
        // The automatic snapshot is skipped (the save returns its recording); takeSnapshot is refused.
        const result = await outcome;
        const got = Array.isArray(result)
          ? `${String(result.length)} recording`
          : result instanceof OperationalError
            ? 'refused'
            : String(result);
        expect(got).toBe(automatic ? '1 recording' : 'refused');
        other.close();
        await deleting;
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(dbName);
        vi.restoreAllMocks();
      }
    });

    it("waits in an application's close() for a save begun just before it, and refuses one queued behind", async () => {
      const app = new Worlds({ persistence: indexedDb({ dbName: freshDbName() }) });
      await app.createWorld();
      const world = World.create();
      const first = app.save(world);
      world.makeItSo('x');
      const second = app.save(world).catch((e: unknown) => e);
      await app.close();
      // The first had its transaction at once (the connection was open): it is stored.
      expect(await first).toHaveLength(1);
      expect(await second).toBeInstanceOf(OperationalError);
      expect(world.collectEvents().map((e) => e.originatorVersion)).toEqual([2]);
    });

    it("does not wait in an application's close() for an open that another connection blocks", async () => {
      const dbName = freshDbName();
      // Another connection, at a version without the stores, that does not close for upgrades.
      const other = await openDB(dbName, 1);
      closers.push(() => {
        other.close();
      });
      let blocked!: () => void;
      const isBlocked = new Promise<void>((resolve) => {
        blocked = resolve;
      });
      const app = new Worlds({
        persistence: indexedDb({
          dbName,
          onBlocked: () => {
            blocked();
          },
        }),
      });
      const world = World.create();
      const saving = app.save(world).catch((e: unknown) => e);
      await isBlocked;
      // Were it to wait for the save, this would not resolve while the other connection stays.
      await app.close();
      const error = await saving;
      expect(error).toBeInstanceOf(OperationalError);
      expect((error as Error).message).toMatch(/the connection is closed/);
      expect(world.collectEvents()).toHaveLength(1);
    });

    it('posts the new notification ids on a BroadcastChannel named after the database', async () => {
      const dbName = freshDbName();
      const listener = channel(dbName);
      const received = new Promise<NotificationBroadcast>((resolve) => {
        listener.onmessage = (event: MessageEvent<NotificationBroadcast>) => {
          resolve(event.data);
        };
      });
      const writer = recorder({ dbName }, 'Worlds');
      const reader = recorder({ dbName }, 'Worlds');
      await writer.insertEvents([stored(newId(), 1)]);
      const id = newId();
      const ids = await writer.insertEvents([stored(id, 1), stored(id, 2), stored(id, 3)]);

      // The first message names the application and the ids of the first save.
      expect(await received).toEqual({ applicationName: 'Worlds', notificationIds: [1] });
      const next = await new Promise<NotificationBroadcast>((resolve) => {
        listener.onmessage = (event: MessageEvent<NotificationBroadcast>) => {
          resolve(event.data);
        };
      });
      expect(next).toEqual({ applicationName: 'Worlds', notificationIds: ids });
      // Another connection pulls the announced notifications.
      const pulled = await reader.selectNotifications(next.notificationIds[0] as number, 10);
      expect(pulled.map((n) => n.id)).toEqual([2, 3, 4]);
      expect(pulled.map((n) => n.originatorId)).toEqual([id, id, id]);
    });

    it('posts nothing when broadcast is off', async () => {
      const dbName = freshDbName();
      const listener = channel(dbName);
      const messages: NotificationBroadcast[] = [];
      const loudSaved = new Promise<void>((resolve) => {
        listener.onmessage = (event: MessageEvent<NotificationBroadcast>) => {
          messages.push(event.data);
          if (event.data.applicationName === 'Loud') resolve();
        };
      });
      // The quiet application saves first; only the loud one's message arrives.
      await recorder({ dbName, broadcast: false }, 'Quiet').insertEvents([stored(newId(), 1)]);
      await recorder({ dbName }, 'Loud').insertEvents([stored(newId(), 1)]);
      await loudSaved;
      expect(messages).toEqual([{ applicationName: 'Loud', notificationIds: [1] }]);
    });

    it('commits with strict durability by default and relaxed on request', async () => {
      const dbName = freshDbName();
      const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');
      const durabilities = (): unknown[] =>
        transaction.mock.calls.filter((call) => call[1] === 'readwrite').map((call) => call[2]?.durability);

      await recorder({ dbName }).insertEvents([stored(newId(), 1)]);
      expect(durabilities()).toEqual(['strict']);
      // The transaction itself reports it.
      const made = transaction.mock.results.at(-1)?.value as IDBTransaction;
      expect(made.durability).toBe('strict');

      transaction.mockClear();
      const relaxed = recorder({ dbName, durability: 'relaxed' });
      await relaxed.insertEvents([stored(newId(), 1)]);
      expect(durabilities()).toEqual(['relaxed']);
      expect((transaction.mock.results.at(-1)?.value as IDBTransaction).durability).toBe('relaxed');
      // Relaxed saves are read back like any other.
      expect(await recorder({ dbName }).maxNotificationId()).toBe(2);

      // Anything else is refused when the recorder is made.
      expect(
        () => new IndexedDbApplicationRecorder('App', { dbName, durability: 'none' as 'strict' }),
      ).toThrow(/indexeddb: durability must be 'strict' or 'relaxed'/);
    });

    it('refuses a database without the stores when createStores is false, leaving none behind', async () => {
      const dbName = freshDbName();
      const r = recorder({ dbName, createStores: false });
      const error = await r.insertEvents([stored(newId(), 1)]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProgrammingError);
      expect((error as Error).message).toMatch(
        /has no recorder store stored_events or snapshots and createStores is false/,
      );
      // The refused open did not leave an empty database behind.
      const names = (await indexedDB.databases()).map((d) => d.name);
      expect(names).not.toContain(dbName);

      // A database made by other code without the stores is refused, and not upgraded.
      const foreign = await openDB(dbName, 3, {
        upgrade(db) {
          db.createObjectStore('other');
        },
      });
      foreign.close();
      await expect(r.maxNotificationId()).rejects.toBeInstanceOf(ProgrammingError);
      expect(await versionOf(dbName)).toBe(3);

      // Once the stores exist, a recorder that may not create them works.
      await recorder({ dbName }).insertEvents([stored(newId(), 1)]);
      expect(await r.maxNotificationId()).toBe(1);
    });

    it('refuses stores of the right names but another layout, naming what is missing', async () => {
      const dbName = freshDbName();
      // Made by other code: the store names match, but there is no notifications index.
      const keyPath = ['application_name', 'originator_id', 'originator_version'];
      const foreign = await openDB(dbName, 1, {
        upgrade(db) {
          db.createObjectStore('stored_events', { keyPath });
          db.createObjectStore('snapshots', { keyPath });
        },
      });
      foreign.close();
      const r = recorder({ dbName });
      for (const attempt of [r.insertEvents([stored(newId(), 1)]), r.maxNotificationId()]) {
        const error = await attempt.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProgrammingError);
        expect((error as Error).message).toMatch(/stored_events has no index "notifications"/);
      }
      // It was not upgraded (nothing can repair another layout).
      expect(await versionOf(dbName)).toBe(1);
    });

    it('refuses one store of the recorders names in another layout before upgrading anything', async () => {
      // Made by other code: a snapshots store of its own keys, and no stored_events.
      const dbName = freshDbName();
      const foreign = await openDB(dbName, 1, {
        upgrade(db) {
          db.createObjectStore('snapshots', { keyPath: 'id' });
        },
      });
      foreign.close();
      const error = await recorder({ dbName })
        .insertEvents([stored(newId(), 1)])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProgrammingError);
      expect((error as Error).message).toMatch(/snapshots is keyed by "id"/);
      // Left as it was: no upgrade (which other tabs would be asked to make way for), no store added.
      const db = await openDB(dbName);
      const after = { version: db.version, stores: [...db.objectStoreNames] };
      db.close();
      expect(after).toEqual({ version: 1, stores: ['snapshots'] });

      // With createStores off, a database with one of the stores is told which one it lacks.
      const other = freshDbName();
      const keyPath = ['application_name', 'originator_id', 'originator_version'];
      (
        await openDB(other, 1, {
          upgrade(db) {
            db.createObjectStore('snapshots', { keyPath });
          },
        })
      ).close();
      const missing = await recorder({ dbName: other, createStores: false })
        .maxNotificationId()
        .catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(ProgrammingError);
      expect((missing as Error).message).toMatch(
        /has no recorder store stored_events and createStores is false/,
      );
    });

    it('serves a new application name from the same stores, with no upgrade', async () => {
      const dbName = freshDbName();
      await recorder({ dbName }, 'First').insertEvents([stored(newId(), 1)]);
      const version = await versionOf(dbName);
      // A second application starts its own log at 1, and the database version stays.
      expect(await recorder({ dbName }, 'Second').insertEvents([stored(newId(), 1)])).toEqual([1]);
      expect(await versionOf(dbName)).toBe(version);
    });

    it('says so when the environment has no IndexedDB', async () => {
      // Undefined where it was never there; null where it is turned off (Firefox's setting).
      for (const missing of [undefined, null]) {
        vi.stubGlobal('indexedDB', missing);
        const r = recorder({ dbName: freshDbName() });
        const error = await r.maxNotificationId().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NotSupportedError);
        expect((error as Error).message).toMatch(/^indexeddb: this environment has no IndexedDB/);
      }
    });

    it('does not call an open refused as InvalidStateError a closed connection', async () => {
      // As old Firefox did in private windows: the open itself is refused.
      vi.spyOn(IDBFactory.prototype, 'open').mockImplementation(() => {
        throw new DOMException('A mutation operation was attempted on a database.', 'InvalidStateError');
      });
      const error = await recorder({ dbName: freshDbName() })
        .maxNotificationId()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OperationalError);
      expect((error as Error).message).toMatch(/^indexeddb: opening ".*" failed \(InvalidStateError\)$/);
      expect((error as Error).cause).toMatchObject({ name: 'InvalidStateError' });
    });

    it('refuses a missing database name and an empty application name', () => {
      expect(() => new IndexedDbApplicationRecorder('App', { dbName: '' })).toThrow(TypeError);
      expect(() => new IndexedDbApplicationRecorder('', { dbName: 'x' })).toThrow(TypeError);
    });
  });
}

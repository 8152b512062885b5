/**
 * The recorder conformance suite. A recorder joins it with a few lines:
 *
 * ```ts
 * import { describeRecorder } from './recorder.suite.js';
 * describeRecorder('memory', { persistence: () => memory() });
 * ```
 *
 * Each test takes recorders of a new application name from the persistence, so tests never
 * see each other's data even when they share one database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  DataError,
  RecordConflictError,
  type AggregateRecorder,
  type ApplicationRecorder,
  type Persistence,
  type StoredEvent,
} from '../../src/index.js';

/** What a recorder under test gives the suite. */
export interface RecorderSuiteOptions {
  /** Returns the persistence to take recorders from (a new one, or a shared one). */
  persistence: () => Persistence | Promise<Persistence>;
}

let counter = 0;
/** A fresh application name, safe as part of an SQL identifier. */
export function freshName(): string {
  counter += 1;
  return `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}${String(counter)}`;
}

const encoder = new TextEncoder();

/** Makes a stored event with a small JSON state. */
export function stored(
  originatorId: string,
  originatorVersion: number,
  topic = 'topic1',
  text?: string,
): StoredEvent {
  return {
    originatorId,
    originatorVersion,
    topic,
    state: encoder.encode(text ?? `{"n":${String(originatorVersion)}}`),
  };
}

/** A new originator id. */
export function newId(): string {
  return crypto.randomUUID();
}

/**
 * Defines the conformance tests of a recorder.
 *
 * @param name - the recorder's name in test titles
 * @param options - how to get its persistence
 */
export function describeRecorder(name: string, options: RecorderSuiteOptions): void {
  describe(`recorder conformance: ${name}`, () => {
    const opened: (AggregateRecorder | ApplicationRecorder)[] = [];

    async function applicationRecorder(): Promise<ApplicationRecorder> {
      const recorder = (await options.persistence()).applicationRecorder(freshName());
      opened.push(recorder);
      return recorder;
    }

    async function aggregateRecorder(): Promise<AggregateRecorder> {
      const recorder = (await options.persistence()).snapshotRecorder(freshName());
      opened.push(recorder);
      return recorder;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((r) => r.close()));
    });

    it('selects nothing from an empty recorder', async () => {
      const recorder = await applicationRecorder();
      // An empty recorder has no events, no notifications, and a max notification id of 0.
      expect(await recorder.selectEvents(newId())).toEqual([]);
      expect(await recorder.selectNotifications(1, 10)).toEqual([]);
      expect(await recorder.maxNotificationId()).toBe(0);
    });

    it('inserts events and selects them back, bytes and all', async () => {
      const recorder = await applicationRecorder();
      const id1 = newId();
      const id2 = newId();
      // Every byte value survives the round trip, as does an empty state.
      const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      await recorder.insertEvents([stored(id1, 1), { ...stored(id1, 2), state: allBytes }]);
      await recorder.insertEvents([{ ...stored(id2, 1), state: new Uint8Array(0) }]);

      const events = await recorder.selectEvents(id1);
      expect(events.map((e) => [e.originatorId, e.originatorVersion, e.topic])).toEqual([
        [id1, 1, 'topic1'],
        [id1, 2, 'topic1'],
      ]);
      expect(events[0]?.state).toBeInstanceOf(Uint8Array);
      expect(new TextDecoder().decode(events[0]?.state)).toBe('{"n":1}');
      expect(Array.from(events[1]?.state ?? [])).toEqual(Array.from(allBytes));
      const [empty] = await recorder.selectEvents(id2);
      expect(empty?.state).toBeInstanceOf(Uint8Array);
      expect(empty?.state.length).toBe(0);
    });

    it('stores a state that is a view of a larger buffer as exactly the bytes it views', async () => {
      const recorder = await applicationRecorder();
      const id = newId();
      // A caller may hand in a view of a larger buffer: only the viewed bytes are the state.
      const slab = Uint8Array.from({ length: 64 }, (_, i) => i);
      await recorder.insertEvents([
        { ...stored(id, 1), state: slab.subarray(10, 14) },
        { ...stored(id, 2), state: slab.subarray(14, 14) },
      ]);
      const events = await recorder.selectEvents(id);
      expect(events.map((e) => Array.from(e.state))).toEqual([[10, 11, 12, 13], []]);
      const notifications = await recorder.selectNotifications(1, 10);
      expect(notifications.map((n) => Array.from(n.state))).toEqual([[10, 11, 12, 13], []]);
      // Not the larger buffer at an offset: that would keep (and store) the rest of it too.
      for (const { state } of [...events, ...notifications]) {
        expect(state.byteLength).toBe(state.buffer.byteLength);
      }
    });

    it('selects events with gt, lte, desc and limit', async () => {
      const recorder = await applicationRecorder();
      const id = newId();
      await recorder.insertEvents([1, 2, 3, 4, 5].map((v) => stored(id, v)));
      const versions = async (o: Parameters<ApplicationRecorder['selectEvents']>[1]) =>
        (await recorder.selectEvents(id, o)).map((e) => e.originatorVersion);

      // Bounds are exclusive below (gt) and inclusive above (lte).
      expect(await versions({})).toEqual([1, 2, 3, 4, 5]);
      expect(await versions({ gt: 2 })).toEqual([3, 4, 5]);
      expect(await versions({ lte: 3 })).toEqual([1, 2, 3]);
      expect(await versions({ gt: 1, lte: 4 })).toEqual([2, 3, 4]);
      // Descending order, and a limit that keeps the newest when descending.
      expect(await versions({ desc: true })).toEqual([5, 4, 3, 2, 1]);
      expect(await versions({ desc: true, limit: 2 })).toEqual([5, 4]);
      expect(await versions({ desc: true, lte: 3, limit: 1 })).toEqual([3]);
      expect(await versions({ limit: 2 })).toEqual([1, 2]);
      expect(await versions({ gt: 2, limit: 2 })).toEqual([3, 4]);
      expect(await versions({ gt: 1, lte: 4, limit: 2 })).toEqual([2, 3]);
      // Descending within bounds: the lower bound holds, and the limit keeps the newest of them.
      expect(await versions({ desc: true, gt: 2 })).toEqual([5, 4, 3]);
      expect(await versions({ desc: true, gt: 2, limit: 5 })).toEqual([5, 4, 3]);
      expect(await versions({ desc: true, gt: 1, lte: 4, limit: 2 })).toEqual([4, 3]);
      // A limit of 0 gives nothing, in either order; empty ranges give nothing.
      expect(await versions({ limit: 0 })).toEqual([]);
      expect(await versions({ desc: true, limit: 0 })).toEqual([]);
      expect(await versions({ desc: true, lte: 3, limit: 0 })).toEqual([]);
      expect(await versions({ gt: 5 })).toEqual([]);
      expect(await versions({ gt: 3, lte: 3 })).toEqual([]);
      // A negative or fractional limit is the caller's mistake.
      await expect(recorder.selectEvents(id, { limit: -1 })).rejects.toThrow(RangeError);
      await expect(recorder.selectEvents(id, { limit: 1.5 })).rejects.toThrow(RangeError);
    });

    it('selects with a limit above 2^32-1 like any other', async () => {
      const recorder = await applicationRecorder();
      const id = newId();
      await recorder.insertEvents([1, 2, 3].map((v) => stored(id, v, v === 2 ? 'two' : 'topic1')));
      // Any non-negative integer is a limit, even one no database count could hold.
      for (const limit of [2 ** 32, Number.MAX_SAFE_INTEGER]) {
        const versions = async (o: Parameters<ApplicationRecorder['selectEvents']>[1]) =>
          (await recorder.selectEvents(id, { ...o, limit })).map((e) => e.originatorVersion);
        expect(await versions({})).toEqual([1, 2, 3]);
        expect(await versions({ gt: 1 })).toEqual([2, 3]);
        expect(await versions({ desc: true })).toEqual([3, 2, 1]);
        const notified = async (o?: Parameters<ApplicationRecorder['selectNotifications']>[2]) =>
          (await recorder.selectNotifications(1, limit, o)).map((n) => n.originatorVersion);
        expect(await notified()).toEqual([1, 2, 3]);
        expect(await notified({ stop: 2 })).toEqual([1, 2]);
        expect(await notified({ topics: ['two'] })).toEqual([2]);
      }
    });

    it('refuses version bounds that are not integers', async () => {
      const recorder = await applicationRecorder();
      const id = newId();
      await recorder.insertEvents([stored(id, 1)]);
      // "No bound" is leaving the option out: Infinity, NaN and fractions are the caller's
      // mistake on every recorder, not an empty or a full answer depending on the database.
      for (const options of [{ gt: -Infinity }, { lte: Infinity }, { gt: Number.NaN }, { lte: 1.5 }]) {
        await expect(recorder.selectEvents(id, options)).rejects.toThrow(RangeError);
      }
    });

    it('refuses a batch holding something that is not a stored event, and writes none of it', async () => {
      const recorder = await applicationRecorder();
      const [a, b] = [newId(), newId()];
      const bad: unknown[] = [
        { ...stored(b, 1), originatorVersion: Number.NaN },
        { ...stored(b, 1), originatorVersion: 1.5 },
        // Above 2^53 - 1 an integer is no longer exact: 2^53 and 2^53 + 1 are the same number.
        { ...stored(b, 1), originatorVersion: 2 ** 53 },
        { ...stored(b, 1), originatorVersion: '1' },
        { ...stored(b, 1), originatorId: 7 },
        { ...stored(b, 1), topic: undefined },
        { ...stored(b, 1), state: [1, 2, 3] },
      ];
      for (const event of bad) {
        // The good event first: it must not be written either.
        const error = await recorder
          .insertEvents([stored(a, 1), event as StoredEvent])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DataError);
      }
      expect(await recorder.selectEvents(a)).toEqual([]);
      expect(await recorder.selectEvents(b)).toEqual([]);
      expect(await recorder.maxNotificationId()).toBe(0);
    });

    it('refuses an id or topic with a lone surrogate, and keeps any well-formed string', async () => {
      const recorder = await applicationRecorder();
      const a = newId();
      // A lone surrogate has no UTF-8 form: a database storing UTF-8 would give back U+FFFD.
      for (const event of [stored(`${a}\ud800`, 1), { ...stored(a, 2), topic: 'World.\udc00' }]) {
        const error = await recorder.insertEvents([stored(a, 1), event]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DataError);
        expect((error as Error).message).toMatch(/lone UTF-16 surrogate/);
      }
      expect(await recorder.maxNotificationId()).toBe(0);
      // Astral characters (surrogate pairs), NUL and other text are kept exactly.
      const odd = `${a} \u{1F995} \u0000 é`;
      await recorder.insertEvents([{ ...stored(odd, 1), topic: 'World.\u{1F995}' }]);
      const [notification] = await recorder.selectNotifications(1, 1);
      expect(notification?.originatorId).toBe(odd);
      expect(notification?.topic).toBe('World.\u{1F995}');
      expect((await recorder.selectEvents(odd)).map((e) => e.topic)).toEqual(['World.\u{1F995}']);
    });

    it('keeps versions in order whatever order they were inserted in, and takes back a failed batch exactly', async () => {
      const recorder = await applicationRecorder();
      const id = newId();
      // Versions below the last one stored, and a batch in descending order.
      await recorder.insertEvents([stored(id, 5)]);
      await recorder.insertEvents([stored(id, 2), stored(id, 1)]);
      await recorder.insertEvents([stored(id, 3)]);
      const versions = async (o?: Parameters<ApplicationRecorder['selectEvents']>[1]) =>
        (await recorder.selectEvents(id, o)).map((e) => e.originatorVersion);
      expect(await versions()).toEqual([1, 2, 3, 5]);
      expect(await versions({ desc: true })).toEqual([5, 3, 2, 1]);
      expect(await versions({ desc: true, lte: 4, limit: 1 })).toEqual([3]);
      expect(await versions({ gt: 1, lte: 3 })).toEqual([2, 3]);
      // The log keeps the order they were recorded in, not the versions' order.
      expect((await recorder.selectNotifications(1, 10)).map((n) => n.originatorVersion)).toEqual([
        5, 2, 1, 3,
      ]);
      // A batch that writes below the last version, then conflicts, leaves every version as it was.
      await expect(recorder.insertEvents([stored(id, 4), stored(id, 5)])).rejects.toBeInstanceOf(
        RecordConflictError,
      );
      expect(await versions()).toEqual([1, 2, 3, 5]);
      expect(await recorder.maxNotificationId()).toBe(4);
      const [last] = await recorder.selectEvents(id, { desc: true, limit: 1 });
      expect(new TextDecoder().decode(last?.state)).toBe('{"n":5}');
    });

    it('keeps originators apart', async () => {
      const recorder = await applicationRecorder();
      const [a, b] = [newId(), newId()];
      await recorder.insertEvents([stored(a, 1), stored(b, 1), stored(a, 2)]);
      expect((await recorder.selectEvents(a)).map((e) => e.originatorVersion)).toEqual([1, 2]);
      expect((await recorder.selectEvents(b)).map((e) => e.originatorVersion)).toEqual([1]);
    });

    it('writes nothing when an event conflicts with a stored one', async () => {
      const recorder = await applicationRecorder();
      const [a, b] = [newId(), newId()];
      await recorder.insertEvents([stored(a, 1)]);
      // The batch's first event is new, its second conflicts: the whole batch fails.
      const error = await recorder
        .insertEvents([stored(b, 1), stored(a, 1, 'topic1', '{"other":1}')])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecordConflictError);
      expect(await recorder.selectEvents(b)).toEqual([]);
      expect((await recorder.selectEvents(a)).map((e) => new TextDecoder().decode(e.state))).toEqual([
        '{"n":1}',
      ]);
      expect(await recorder.maxNotificationId()).toBe(1);
      expect((await recorder.selectNotifications(1, 10)).length).toBe(1);
    });

    it('writes nothing when a batch holds the same version twice', async () => {
      const recorder = await applicationRecorder();
      const [a, b] = [newId(), newId()];
      const error = await recorder
        .insertEvents([stored(b, 1), stored(a, 1), stored(a, 1)])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecordConflictError);
      expect(await recorder.selectEvents(a)).toEqual([]);
      expect(await recorder.selectEvents(b)).toEqual([]);
      expect(await recorder.maxNotificationId()).toBe(0);
    });

    it('gives notification ids that increase, contiguous within a batch', async () => {
      const recorder = await applicationRecorder();
      const [a, b] = [newId(), newId()];
      const first = await recorder.insertEvents([stored(a, 1), stored(a, 2), stored(b, 1)]);
      const second = await recorder.insertEvents([stored(a, 3)]);
      expect(first.length).toBe(3);
      expect(second.length).toBe(1);
      const [f0, f1, f2] = first as [number, number, number];
      expect([f1 - f0, f2 - f1]).toEqual([1, 1]);
      expect(second[0]).toBeGreaterThan(f2);
      expect(await recorder.maxNotificationId()).toBe(second[0]);
      // The notifications carry the ids, in order, with the stored fields.
      const notifications = await recorder.selectNotifications(1, 10);
      expect(notifications.map((n) => n.id)).toEqual([...first, ...second]);
      expect(notifications.map((n) => [n.originatorId, n.originatorVersion])).toEqual([
        [a, 1],
        [a, 2],
        [b, 1],
        [a, 3],
      ]);
    });

    it('selects notifications with start, limit, stop and topics', async () => {
      const recorder = await applicationRecorder();
      const id = newId();
      const ids = await recorder.insertEvents(
        [1, 2, 3, 4, 5, 6].map((v) => stored(id, v, v % 2 === 0 ? 'even' : 'odd')),
      );
      const [i1, i2, i3, i4, i5, i6] = ids as [number, number, number, number, number, number];
      const select = async (
        start: number,
        limit: number,
        o?: Parameters<ApplicationRecorder['selectNotifications']>[2],
      ) => (await recorder.selectNotifications(start, limit, o)).map((n) => n.id);

      // Start is inclusive; the limit caps the count.
      expect(await select(i1, 10)).toEqual([i1, i2, i3, i4, i5, i6]);
      expect(await select(i3, 2)).toEqual([i3, i4]);
      // A start below 1 reads from the beginning; a start past the end reads nothing.
      expect(await select(0, 2)).toEqual([i1, i2]);
      expect(await select(-5, 1)).toEqual([i1]);
      expect(await select(i6 + 1, 10)).toEqual([]);
      // Stop is inclusive: a stop equal to the start selects that one notification.
      expect(await select(i1, 10, { stop: i4 })).toEqual([i1, i2, i3, i4]);
      expect(await select(i3, 10, { stop: i3 })).toEqual([i3]);
      expect(await select(0, 10, { stop: i2 })).toEqual([i1, i2]);
      expect(await select(i5, 10, { stop: i4 })).toEqual([]);
      // A stop of 0 or below is before every id: it selects nothing, not everything.
      expect(await select(0, 10, { stop: 0 })).toEqual([]);
      expect(await select(-5, 10, { stop: -1 })).toEqual([]);
      // Topics filter before the limit.
      expect(await select(i1, 2, { topics: ['even'] })).toEqual([i2, i4]);
      expect(await select(i3, 10, { topics: ['odd'], stop: i5 })).toEqual([i3, i5]);
      // Stop holds with topics too: i5 is odd, but after the stop.
      expect(await select(i1, 10, { topics: ['odd'], stop: i4 })).toEqual([i1, i3]);
      expect(await select(i1, 0, { topics: ['odd'] })).toEqual([]);
      expect(await select(i1, 10, { topics: ['none'] })).toEqual([]);
      // An empty topics list means no filter.
      expect(await select(i1, 3, { topics: [] })).toEqual([i1, i2, i3]);
      // A limit of 0 gives nothing; a negative limit or fractional start is the caller's mistake.
      expect(await select(i1, 0)).toEqual([]);
      await expect(recorder.selectNotifications(1, -1)).rejects.toThrow(RangeError);
      await expect(recorder.selectNotifications(1, 1.5)).rejects.toThrow(RangeError);
      await expect(recorder.selectNotifications(1.5, 1)).rejects.toThrow(RangeError);
      // So is a stop that is not an integer.
      for (const stop of [1.5, Number.NaN]) {
        await expect(recorder.selectNotifications(1, 10, { stop }), String(stop)).rejects.toThrow(RangeError);
      }
    });

    it('lands every concurrent save of different aggregates, with unique increasing ids', async () => {
      const recorder = await applicationRecorder();
      const originators = Array.from({ length: 50 }, () => newId());
      // Fifty saves of two events each, all started before any finishes.
      const results = await Promise.all(
        originators.map((id) => recorder.insertEvents([stored(id, 1), stored(id, 2)])),
      );
      const all = results.flat();
      expect(new Set(all).size).toBe(100);
      // Each batch got a contiguous pair of ids.
      for (const ids of results) expect((ids[1] as number) - (ids[0] as number)).toBe(1);
      const notifications = await recorder.selectNotifications(1, 100);
      expect(notifications.length).toBe(100);
      const seen = notifications.map((n) => n.id);
      expect(seen).toEqual([...all].sort((x, y) => x - y));
      // Read in id order, each originator's versions come in order.
      for (const id of originators) {
        expect(notifications.filter((n) => n.originatorId === id).map((n) => n.originatorVersion)).toEqual([
          1, 2,
        ]);
      }
    });

    it('gives exactly one winner among concurrent saves of the same version', async () => {
      const recorder = await applicationRecorder();
      const id = newId();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          recorder.insertEvents([stored(id, 1, 'topic1', `{"writer":${String(i)}}`)]),
        ),
      );
      const won = outcomes.findIndex((o) => o.status === 'fulfilled');
      expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBe(1);
      const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(rejected.length).toBe(4);
      for (const r of rejected) expect(r.reason).toBeInstanceOf(RecordConflictError);
      // What is stored is the winner's event, under the id its insert returned.
      const [event] = await recorder.selectEvents(id);
      expect(new TextDecoder().decode(event?.state)).toBe(`{"writer":${String(won)}}`);
      const winner = outcomes[won] as PromiseFulfilledResult<readonly number[]>;
      const [notification] = await recorder.selectNotifications(1, 10);
      expect(notification?.id).toBe(winner.value[0]);
      expect(await recorder.maxNotificationId()).toBe(winner.value[0]);
      expect((await recorder.selectEvents(id)).length).toBe(1);
    });

    it('keeps two application names apart in one store', async () => {
      const persistence = await options.persistence();
      const one = persistence.applicationRecorder(freshName());
      const two = persistence.applicationRecorder(freshName());
      opened.push(one, two);
      const id = newId();
      expect(await one.insertEvents([stored(id, 1)])).toEqual([1]);
      // The same originator and version in another application is no conflict, and each
      // application's log has ids of its own, from 1.
      expect(await two.insertEvents([stored(id, 1), stored(id, 2)])).toEqual([1, 2]);
      expect((await one.selectNotifications(1, 10)).length).toBe(1);
      expect((await two.selectNotifications(1, 10)).map((n) => n.id)).toEqual([1, 2]);
      expect(await one.maxNotificationId()).toBe(1);
      expect(await two.maxNotificationId()).toBe(2);
      expect((await one.selectEvents(id)).length).toBe(1);
    });

    it('records snapshots in an aggregate recorder with the same atomic check', async () => {
      const recorder = await aggregateRecorder();
      const id = newId();
      expect(await recorder.insertEvents([stored(id, 2, 'Snapshot')])).toEqual([]);
      await recorder.insertEvents([stored(id, 4, 'Snapshot')]);
      // The latest snapshot at or below a version is one select away.
      const [latest] = await recorder.selectEvents(id, { desc: true, limit: 1 });
      expect(latest?.originatorVersion).toBe(4);
      const [atThree] = await recorder.selectEvents(id, { desc: true, limit: 1, lte: 3 });
      expect(atThree?.originatorVersion).toBe(2);
      // A snapshot taken later at an earlier version is found at and below its version.
      await recorder.insertEvents([stored(id, 3, 'Snapshot')]);
      const [newAtThree] = await recorder.selectEvents(id, { desc: true, limit: 1, lte: 3 });
      expect(newAtThree?.originatorVersion).toBe(3);
      const [stillLatest] = await recorder.selectEvents(id, { desc: true, limit: 1 });
      expect(stillLatest?.originatorVersion).toBe(4);
      // A conflict writes nothing.
      await expect(
        recorder.insertEvents([stored(id, 6, 'Snapshot'), stored(id, 4, 'Snapshot')]),
      ).rejects.toBeInstanceOf(RecordConflictError);
      expect((await recorder.selectEvents(id)).map((e) => e.originatorVersion)).toEqual([2, 3, 4]);
    });

    it('returns an empty list for an empty batch', async () => {
      const recorder = await applicationRecorder();
      expect(await recorder.insertEvents([])).toEqual([]);
      expect(await recorder.maxNotificationId()).toBe(0);
    });
  });
}

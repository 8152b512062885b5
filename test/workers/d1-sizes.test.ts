/**
 * How much state the D1 recorders move at once. workerd's D1 binding carries every BLOB as a
 * JSON array of numbers, both ways, so a Worker's 128 MB, not D1, is the real bound: a save's
 * states together are capped before anything is sent, and reads stop each page at a byte
 * budget as well as a row count. Local workerd does not enforce 128 MB, so these tests check
 * the bounds themselves: what is sent, and how many bytes each page brings back.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  D1AggregateRecorder,
  D1ApplicationRecorder,
  MAX_ROW_BYTES,
  MAX_SAVE_BYTES,
  type D1DatabaseLike,
  type D1StatementLike,
} from '../../src/d1/index.js';
import { PAGE_BYTES } from '../../src/d1/limits.js';
import { DataError, JsonTranscoder, type StoredEvent } from '../../src/index.js';
import { freshName, newId, stored } from '../recorders/recorder.suite.js';

/**
 * What a {@link measuring} database saw: statements prepared, batches, each read's state bytes,
 * and every value bound.
 */
interface Measures {
  prepared: number;
  batches: number;
  readonly pageBytes: number[];
  readonly bound: unknown[];
}

/** Wraps a D1 binding to count what is sent and measure the state bytes of each read. */
function measuring(db: D1Database): { database: D1DatabaseLike; measures: Measures } {
  const measures: Measures = { prepared: 0, batches: 0, pageBytes: [], bound: [] };
  const real = new WeakMap<D1StatementLike, D1PreparedStatement>();
  const wrap = (statement: D1PreparedStatement): D1StatementLike => {
    const wrapper: D1StatementLike = {
      bind: (...values) => {
        measures.bound.push(...values);
        return wrap(statement.bind(...values));
      },
      all: async <T>() => {
        const result = await statement.all<T>();
        let bytes = 0;
        for (const row of result.results as { state?: unknown }[]) {
          if (Array.isArray(row.state)) bytes += row.state.length;
        }
        measures.pageBytes.push(bytes);
        return result;
      },
    };
    real.set(wrapper, statement);
    return wrapper;
  };
  const database: D1DatabaseLike = {
    prepare: (query) => {
      measures.prepared += 1;
      return wrap(db.prepare(query));
    },
    batch: async <T>(statements: D1StatementLike[]) => {
      measures.batches += 1;
      return db.batch<T>(statements.map((s) => real.get(s) as D1PreparedStatement));
    },
  };
  return { database, measures };
}

/** A stored event whose state is `size` bytes, each the version modulo 256. */
function sized(originatorId: string, version: number, size: number, topic = 'topic1'): StoredEvent {
  return { ...stored(originatorId, version, topic), state: new Uint8Array(size).fill(version % 256) };
}

describe('d1 sizes', () => {
  it('binds exactly a state’s bytes, not the transcoder block it is a view of', async () => {
    const { database, measures } = measuring(env.DB);
    const recorder = new D1ApplicationRecorder(database, freshName());
    const transcoder = new JsonTranscoder();
    const id = newId();
    const states = [1, 2, 3].map((n) => transcoder.encode({ n }));
    expect(states[0]?.buffer.byteLength).toBe(16_384);
    await recorder.insertEvents(states.map((state, i) => ({ ...stored(id, i + 1), state })));
    // A binding that serializes the buffer (Miniflare's proxy does) would send each block whole.
    const blobs = measures.bound.filter((value) => value instanceof Uint8Array);
    expect(blobs).toHaveLength(3);
    for (const blob of blobs) expect(blob.buffer.byteLength).toBe(blob.byteLength);
    const read = await recorder.selectEvents(id);
    expect(read.map((e) => new TextDecoder().decode(e.state))).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  it('refuses a save whose states add up to over MAX_SAVE_BYTES, before sending anything', async () => {
    const { database, measures } = measuring(env.DB);
    const recorder = new D1ApplicationRecorder(database, freshName());
    const snapshots = new D1AggregateRecorder(database, freshName());
    const id = newId();
    // Three events each within the row limit, 4,500,000 bytes together.
    const three = [1, 2, 3].map((v) => sized(id, v, 1_500_000));
    const error = await recorder.insertEvents(three).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(/4500000 bytes of state, over the 4000000 bytes one save/);
    await expect(snapshots.insertEvents(three)).rejects.toBeInstanceOf(DataError);
    // Nothing was sent: not even the tables' DDL.
    expect([measures.prepared, measures.batches]).toEqual([0, 0]);
    // Exactly MAX_SAVE_BYTES passes, and a byte more does not.
    const full = [sized(id, 1, 1_999_000), sized(id, 2, 1_999_000), sized(id, 3, 2_000)];
    expect(full.reduce((n, e) => n + e.state.byteLength, 0)).toBe(MAX_SAVE_BYTES);
    const over = [...full.slice(0, 2), sized(id, 3, 2_001)];
    await expect(recorder.insertEvents(over)).rejects.toBeInstanceOf(DataError);
    expect(await recorder.selectEvents(id)).toEqual([]);
    expect(await recorder.insertEvents(full)).toEqual([1, 2, 3]);
    const back = await recorder.selectEvents(id);
    expect(back.map((e) => e.state.byteLength)).toEqual([1_999_000, 1_999_000, 2_000]);
  });

  it('reads large rows in pages bounded by bytes, in both directions', async () => {
    const { database, measures } = measuring(env.DB);
    const recorder = new D1ApplicationRecorder(database, freshName());
    const id = newId();
    // Nine events of 900,000 bytes, two per save: 8.1 MB that one page of rows would bring at once.
    const events = Array.from({ length: 9 }, (_, i) =>
      sized(id, i + 1, 900_000, i % 2 === 0 ? 'even' : 'odd'),
    );
    for (let i = 0; i < events.length; i += 2) await recorder.insertEvents(events.slice(i, i + 2));
    const reads: [string, () => Promise<{ state: Uint8Array }[]>, number[]][] = [
      ['events', () => recorder.selectEvents(id), [1, 2, 3, 4, 5, 6, 7, 8, 9]],
      ['events desc', () => recorder.selectEvents(id, { desc: true, lte: 8, limit: 6 }), [8, 7, 6, 5, 4, 3]],
      ['events gt', () => recorder.selectEvents(id, { gt: 2 }), [3, 4, 5, 6, 7, 8, 9]],
      ['notifications', () => recorder.selectNotifications(1, 100), [1, 2, 3, 4, 5, 6, 7, 8, 9]],
      ['topics', () => recorder.selectNotifications(2, 100, { topics: ['even'], stop: 9 }), [3, 5, 7, 9]],
    ];
    for (const [name, read, versions] of reads) {
      measures.pageBytes.length = 0;
      const got = await read();
      // Every row, in order and whole.
      expect([name, got.map((e) => e.state[0])]).toEqual([name, versions]);
      expect(
        got.every((e, i) => e.state.byteLength === 900_000 && e.state.every((b) => b === versions[i])),
      ).toBe(true);
      // In several pages, each under the budget plus one row.
      expect([name, measures.pageBytes.length > 1]).toEqual([name, true]);
      for (const bytes of measures.pageBytes) {
        expect([name, bytes < PAGE_BYTES + MAX_ROW_BYTES]).toEqual([name, true]);
      }
    }
  });

  it('still reads small rows 1,000 to a page', async () => {
    const { database, measures } = measuring(env.DB);
    const recorder = new D1ApplicationRecorder(database, freshName());
    const id = newId();
    for (let i = 0; i < 3; i++) {
      await recorder.insertEvents(Array.from({ length: 500 }, (_, v) => stored(id, i * 500 + v + 1)));
    }
    // 1,500 small events: two queries each way, not one per budget's worth.
    measures.pageBytes.length = 0;
    expect((await recorder.selectEvents(id)).length).toBe(1500);
    expect((await recorder.selectNotifications(1, 1500)).length).toBe(1500);
    expect(measures.pageBytes.length).toBe(4);
  });
});

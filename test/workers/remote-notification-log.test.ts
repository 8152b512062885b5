/**
 * RemoteNotificationLog against servers that answer well-formed JSON with the wrong ids: stale
 * or repeated sections, items outside the range asked for, ids past 2^53 - 1, ids out of order,
 * next ids that go back, and items that are not objects. Each must be an InterfaceError, never a
 * loop or notifications handed back as if they were the ones asked for.
 */
import { describe, expect, it } from 'vitest';
import { Worlds } from '../../examples/world.js';
import {
  InterfaceError,
  RemoteNotificationLog,
  sectionFromJson,
  sectionToJson,
  type RemoteResponse,
  type SectionJson,
} from '../../src/index.js';

/** The most requests a fake server answers: a client still asking after that is looping. */
const MAX_REQUESTS = 100;

/** A log of `count` notifications (a world and its happenings), served from memory. */
async function honestLog(count: number): Promise<Worlds> {
  const app = new Worlds();
  const id = await app.createWorld();
  for (let i = 1; i < count; i++) await app.makeItSo(id, `thing ${String(i)}`);
  return app;
}

/**
 * A fake server: answers each section id with what `answer` makes of it, and counts requests.
 * It refuses to answer past MAX_REQUESTS, so a client that loops fails instead of hanging.
 */
function server(answer: (sectionId: string) => Promise<unknown>): {
  log: RemoteNotificationLog;
  requests: string[];
} {
  const requests: string[] = [];
  const fetch = async (url: string): Promise<RemoteResponse> => {
    const sectionId = decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));
    requests.push(sectionId);
    if (requests.length > MAX_REQUESTS) throw new Error(`gave up after ${String(MAX_REQUESTS)} requests`);
    const body = await answer(sectionId);
    return { ok: true, status: 200, json: async () => body };
  };
  return { log: new RemoteNotificationLog('https://log.example/log', { fetch }), requests };
}

/** A section's JSON as the original writes it: `"first,last"`, next when full. */
function sectionJson(ids: readonly number[], nextId: string | null, topic = 'other'): SectionJson {
  const first = ids[0];
  const last = ids[ids.length - 1];
  return {
    id: first === undefined || last === undefined ? null : `${String(first)},${String(last)}`,
    next_id: nextId,
    items: ids.map((id) => ({ id, originator_id: 'w', originator_version: id, topic, state: '' })),
  };
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('RemoteNotificationLog', () => {
  it('follows an honest server, whatever its section size', async () => {
    const app = await honestLog(12);
    const small = server(async (id) => sectionToJson(await app.log.section(id)));
    // The server's sections hold at most 10; the client asks for what it is missing.
    expect((await small.log.select(1, 10)).map((n) => n.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await small.log.select(9, 10)).map((n) => n.id)).toEqual([9, 10, 11, 12]);
    expect((await small.log.select(5, 10, { stop: 6 })).map((n) => n.id)).toEqual([5, 6]);
    // With a topic filter, whole sections are read until enough pass it.
    const created = await small.log.select(1, 3, { topics: ['World.Created'] });
    expect(created.map((n) => n.id)).toEqual([1]);
    expect(small.requests.at(-1)).toBe('11,20');
    // Following next ids from the first section reaches every notification once.
    const seen: number[] = [];
    for (let id: string | null = '1,10'; id !== null;) {
      const section = await small.log.section(id);
      seen.push(...section.items.map((n) => n.id));
      id = section.nextId;
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('refuses a section repeated whatever was asked, instead of asking again forever', async () => {
    // A stale cache answers section "1,10" to every request, full and with a next id.
    const stale = server(async () => sectionJson([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], '11,20'));
    const error = await errorOf(stale.log.select(1, 5, { topics: ['wanted'] }));
    expect(error).toBeInstanceOf(InterfaceError);
    expect(String(error)).toMatch(/not up to 10 from 11/);
    // The first answer was right; the second, for "11,20", was refused at once.
    expect(stale.requests).toEqual(['1,10', '11,20']);
    // A shorter repeat: one item, id 1, with a next id for ten; a section of one item has a
    // next id for one ("2,2"), so the first answer is refused already.
    const one = server(async () => sectionJson([1], '2,11'));
    await expect(one.log.select(1, 5, { topics: ['wanted'] })).rejects.toBeInstanceOf(InterfaceError);
    expect(one.requests.length).toBe(1);
  });

  it('follows a log with gaps in its ids, as a local log does', async () => {
    // Ids 6 and 7 are missing: the section "1,10" is the ten notifications from 1, up to 12.
    const gaps = server(async (id) =>
      id === '1,10' ? sectionJson([1, 2, 3, 4, 5, 8, 9, 10, 11, 12], '13,22') : sectionJson([13], null),
    );
    expect((await gaps.log.section('1,10')).id).toBe('1,12');
    expect((await gaps.log.select(1, 10)).map((n) => n.id)).toEqual([1, 2, 3, 4, 5, 8, 9, 10, 11, 12]);
    // stop ends the selection even where the server's answer reaches past it.
    expect((await gaps.log.select(1, 10, { stop: 10 })).map((n) => n.id)).toEqual([1, 2, 3, 4, 5, 8, 9, 10]);
  });

  it('refuses items before the start asked for, or more of them than asked', async () => {
    // Asked for 50..52, the server answers 1..3: a follower would go back and read them twice.
    const early = server(async () => sectionJson([1, 2, 3], null));
    await expect(early.log.select(50, 3)).rejects.toBeInstanceOf(InterfaceError);
    await expect(early.log.section('50,52')).rejects.toBeInstanceOf(InterfaceError);
    // More items than asked; ids past the end asked for are a log's gaps, not an error.
    const late = server(async () => sectionJson([5, 6, 7], null));
    await expect(late.log.section('5,6')).rejects.toBeInstanceOf(InterfaceError);
    expect((await late.log.section('1,6')).id).toBe('5,7');
    // A backwards section id asks for nothing, so any item is too many.
    await expect(late.log.section('7,5')).rejects.toBeInstanceOf(InterfaceError);
    // The same items, when they are the ones asked for, are accepted.
    expect((await late.log.section('5,7')).items.map((n) => n.id)).toEqual([5, 6, 7]);
    expect((await late.log.section('-3,7')).id).toBe('5,7');
  });

  it('selects nothing from past the last safe integer, asking nothing', async () => {
    const never = server(async () => sectionJson([1], null));
    expect(await never.log.select(2 ** 53, 5)).toEqual([]);
    expect(await never.log.select(2 ** 60, 5, { topics: ['wanted'] })).toEqual([]);
    expect(never.requests).toEqual([]);
  });

  it('refuses ids that are not safe integers from 1, in strictly ascending order', async () => {
    for (const ids of [[2 ** 53], [0], [-1], [1.5], [1e300], [3, 2], [2, 2]]) {
      const odd = server(async () => sectionJson(ids, null));
      const error = await errorOf(odd.log.section('1,10'));
      expect([ids, error]).toEqual([ids, expect.any(InterfaceError)]);
    }
    // At the last safe integer the log cannot move on: a next id there is refused.
    const top = Number.MAX_SAFE_INTEGER;
    const edge = server(async () => sectionJson([top], `${String(top + 1)},${String(top + 10)}`));
    await expect(edge.log.section(`${String(top)},${String(top)}`)).rejects.toBeInstanceOf(InterfaceError);
    await expect(edge.log.select(top, 1, { topics: ['wanted'] })).rejects.toBeInstanceOf(InterfaceError);
  });

  it('refuses a next id that does not move on, and a section id its items contradict', async () => {
    for (const json of [
      // A next id at or before the last item: following it would loop.
      sectionJson([1, 2], '1,10'),
      sectionJson([1, 2], '2,11'),
      // A next id that ends before it starts, and one after no items.
      sectionJson([1, 2], '3,1'),
      sectionJson([], '1,10'),
      // A section id that does not name the first and last items.
      { ...sectionJson([1, 2], null), id: '1,10' },
      { ...sectionJson([1, 2], null), id: null },
      { ...sectionJson([], null), id: '1,10' },
    ]) {
      const error = await errorOf(Promise.resolve().then(() => sectionFromJson(json)));
      expect([json, error]).toEqual([json, expect.any(InterfaceError)]);
    }
    // A next id that skips ahead (ids 3 to 499 never read) or spans other than the section's
    // count: the original writes "last+1,last+n" for a full section of n, and nothing else.
    for (const nextId of ['500,509', '3,12', '3,3', '4,5']) {
      const error = await errorOf(Promise.resolve().then(() => sectionFromJson(sectionJson([1, 2], nextId))));
      expect([nextId, error]).toEqual([nextId, expect.any(InterfaceError)]);
    }
    await expect(
      Promise.resolve().then(() => sectionFromJson(sectionJson([1, 2], '500,509'), '1,10')),
    ).rejects.toThrow(/its next id is 500,509, not 3,4 \(the 2 ids after its last item, 2\)/);
    // One past the last safe integer, even in the original's form.
    const top = Number.MAX_SAFE_INTEGER;
    const unsafe = `${String(top + 1)},${String(top + 1)}`;
    expect(() => sectionFromJson(sectionJson([top], unsafe))).toThrow(InterfaceError);
    // A well-formed next id, after the last item, is kept for the caller to follow.
    expect(sectionFromJson(sectionJson([1, 2], '3,4')).nextId).toBe('3,4');
  });

  it('answers items that are not objects with an InterfaceError, not a TypeError', async () => {
    for (const item of [null, 1, 'x', [], true]) {
      const json = { id: '1,1', next_id: null, items: [item] };
      const error = await errorOf(Promise.resolve().then(() => sectionFromJson(json)));
      expect([item, error]).toEqual([item, expect.any(InterfaceError)]);
      const odd = server(async () => json);
      await expect(odd.log.section('1,1')).rejects.toBeInstanceOf(InterfaceError);
    }
  });

  it('counts the items before decoding any of them', async () => {
    // Eleven items for "1,10", the last with a state that is not base64: refused for the count.
    const ids = Array.from({ length: 11 }, (_, i) => i + 1);
    const json = sectionJson(ids, null);
    const items = json.items.map((item, i) => (i === 10 ? { ...item, state: '!' } : item));
    expect(() => sectionFromJson({ ...json, items }, '1,10')).toThrow(/answered 11 items, not up to 10$/);
  });

  it('calls the fetch it is given as a plain function, and keeps a base URL query', async () => {
    const calls: { self: unknown; url: string }[] = [];
    const log = new RemoteNotificationLog('https://log.example/log/?key=abc#top', {
      // A platform fetch (a page's, a service binding's) refuses a `this` other than its own.
      fetch(this: unknown, url: string): Promise<RemoteResponse> {
        calls.push({ self: this, url });
        return Promise.resolve({ ok: true, status: 200, json: async () => sectionJson([], null) });
      },
    });
    expect((await log.section('1,10')).items).toEqual([]);
    expect(calls).toEqual([{ self: undefined, url: 'https://log.example/log/1,10?key=abc#top' }]);
    expect(log.baseUrl).toBe('https://log.example/log?key=abc#top');
    expect(new RemoteNotificationLog('https://log.example/log/').baseUrl).toBe('https://log.example/log');
  });

  it('refuses a section size that is not a safe integer', () => {
    expect(() => new RemoteNotificationLog('https://log.example/log', { sectionSize: 2 ** 60 })).toThrow(
      RangeError,
    );
  });

  it('refuses a state that is not standard base64 with its padding', async () => {
    const item = { id: 1, originator_id: 'w', originator_version: 1, topic: 't' };
    // atob alone would read each of these (missing padding, whitespace) as some bytes.
    for (const state of ['AAE', 'AA E=', 'AAE=\n', '-_8=']) {
      const json = { id: '1,1', next_id: null, items: [{ ...item, state }] };
      const error = await errorOf(Promise.resolve().then(() => sectionFromJson(json)));
      expect([state, error]).toEqual([state, expect.any(InterfaceError)]);
    }
    expect(
      sectionFromJson({ id: '1,1', next_id: null, items: [{ ...item, state: 'AAE=' }] }).items[0]?.state,
    ).toEqual(new Uint8Array([0, 1]));
  });
});

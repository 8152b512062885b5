/**
 * The Worker example (examples/worker) on its own D1 database, through its fetch handler:
 * create, make it so, read, snapshot, read the log in sections, and follow that log from a
 * client with RemoteNotificationLog, decoding every event with the client's own mapper. The
 * database is shared by the tests, so each makes its own worlds and reckons the notification ids
 * it expects from the highest id before it starts: any test runs alone, or in any order.
 */
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import schemaSql from '../../examples/worker/migrations/0001_create_worlds.sql?raw';
import worker from '../../examples/worker/src/worker.js';
import { SomethingHappened, WorldCreated, Worlds } from '../../examples/world.js';
import { AesGcmCipher } from '../../src/cipher/index.js';
import { ZlibCompressor } from '../../src/compressor/index.js';
import { d1Schema } from '../../src/d1/index.js';
import {
  InterfaceError,
  OperationalError,
  RemoteNotificationLog,
  sectionFromJson,
  toBase64,
  type SectionJson,
} from '../../src/index.js';

const key = AesGcmCipher.createKey(32);

/** Base64 of random bytes: text that compression cannot shrink much. */
function randomText(bytes: number): string {
  const noise = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 65_536) crypto.getRandomValues(noise.subarray(i, i + 65_536));
  return toBase64(noise);
}
const workerEnv = { DB: env.WORKER_DB, CIPHER_KEY: key };
const origin = 'https://worlds.example';

/** Sends a request to the Worker, as the Workers runtime would. */
async function call(method: string, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit =
    body === undefined
      ? { method }
      : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  return worker.fetch(new Request(`${origin}${path}`, init), workerEnv);
}

async function json<T>(response: Response): Promise<T> {
  return response.json<T>();
}

/** Creates a world through the Worker and makes each of `whats` happen in it; returns its id. */
async function worldWith(...whats: string[]): Promise<string> {
  const created = await call('POST', '/worlds');
  expect(created.status).toBe(201);
  const { id } = await json<{ id: string }>(created);
  for (const what of whats) {
    expect((await call('POST', `/worlds/${id}/happenings`, { what })).status).toBe(204);
  }
  return id;
}

/** The highest notification id in the Worker's database now: a test's own ids come after it. */
async function lastNotificationId(): Promise<number> {
  const row = await env.WORKER_DB.prepare('SELECT MAX(notification_id) AS id FROM "Worlds_events"').first<{
    id: number | null;
  }>();
  return row?.id ?? 0;
}

/** A section id `"first,last"` of two numbers. */
function sid(first: number, last: number): string {
  return `${String(first)},${String(last)}`;
}

describe('the Worker example', () => {
  beforeAll(async () => {
    // The migration file is the exported schema, and applying it is all the Worker needs.
    expect(schemaSql).toBe(d1Schema('Worlds'));
    const statements = schemaSql
      .replace(/^--.*$/gm, '')
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    await env.WORKER_DB.batch(statements.map((s) => env.WORKER_DB.prepare(s)));
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('creates a world, makes it so, reads it at any version, and snapshots it', async () => {
    // Create a world.
    const created = await call('POST', '/worlds');
    expect(created.status).toBe(201);
    const { id } = await json<{ id: string }>(created);
    expect(created.headers.get('location')).toBe(`/worlds/${id}`);
    // Make three things happen in it.
    for (const what of ['dinosaurs', 'trucks', 'internet']) {
      expect((await call('POST', `/worlds/${id}/happenings`, { what })).status).toBe(204);
    }
    // Read it now, and as it was at version 2.
    const now = await json<{ version: number; history: string[] }>(await call('GET', `/worlds/${id}`));
    expect(now.version).toBe(4);
    expect(now.history).toEqual(['dinosaurs', 'trucks', 'internet']);
    const then = await json<{ version: number; history: string[] }>(
      await call('GET', `/worlds/${id}?version=2`),
    );
    expect(then).toMatchObject({ version: 2, history: ['dinosaurs'] });
    // Take a snapshot, then read through it: the same world.
    expect((await call('POST', `/worlds/${id}/snapshot`)).status).toBe(204);
    const rows = await env.WORKER_DB.prepare(
      'SELECT originator_version FROM "Worlds_snapshots" WHERE originator_id = ?',
    )
      .bind(id)
      .all<{ originator_version: number }>();
    expect(rows.results).toEqual([{ originator_version: 4 }]);
    // Asked again at the same version, the snapshot is already there: 204, not a conflict.
    expect((await call('POST', `/worlds/${id}/snapshot`)).status).toBe(204);
    const again = await json<{ version: number; history: string[] }>(await call('GET', `/worlds/${id}`));
    expect(again).toMatchObject({ version: 4, history: ['dinosaurs', 'trucks', 'internet'] });
    // The stored state is compressed and encrypted: no plain text reaches D1.
    const states = await env.WORKER_DB.prepare('SELECT state FROM "Worlds_events" WHERE originator_id = ?')
      .bind(id)
      .all<{ state: number[] }>();
    expect(states.results.length).toBe(4);
    for (const { state } of states.results) {
      expect(new TextDecoder().decode(Uint8Array.from(state))).not.toContain('dinosaurs');
    }
  });

  it('answers 500, not the client’s 413, when a snapshot is too large to store', async () => {
    // Each happening fits in a row; together they make a snapshot over D1's 2 MB row limit.
    const worldId = await worldWith('dinosaurs');
    for (let i = 0; i < 4; i++) {
      const response = await call('POST', `/worlds/${worldId}/happenings`, { what: randomText(600_000) });
      expect(response.status).toBe(204);
    }
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const snapshot = await call('POST', `/worlds/${worldId}/snapshot`);
    expect(snapshot.status).toBe(500);
    expect(await json<{ error: string }>(snapshot)).toEqual({ error: 'internal error' });
    expect(logged).toHaveBeenCalledTimes(1);
  });

  it('answers the client’s mistakes with 4xx JSON errors', async () => {
    const worldId = await worldWith('dinosaurs');
    // Malformed section ids (percent-encoding included), bad versions, an unknown world, a
    // wrong method, a bad body.
    const cases: [string, string, unknown, number][] = [
      ['GET', '/log/abc', undefined, 400],
      ['GET', '/log/1,', undefined, 400],
      ['GET', '/log/%E0%A4%A', undefined, 400],
      ['GET', '/log/1%2', undefined, 400],
      ['GET', `/worlds/${worldId}?version=0`, undefined, 400],
      ['GET', `/worlds/${worldId}?version=x`, undefined, 400],
      ['GET', `/worlds/${worldId}?version=99999999999999999999`, undefined, 400],
      ['POST', `/worlds/${worldId}/snapshot?version=-1`, undefined, 400],
      ['GET', `/worlds/${crypto.randomUUID()}`, undefined, 404],
      ['POST', `/worlds/${crypto.randomUUID()}/happenings`, { what: 'x' }, 404],
      ['GET', '/nowhere', undefined, 404],
      ['DELETE', '/worlds', undefined, 405],
      ['POST', `/worlds/${worldId}/happenings`, { when: 'now' }, 400],
      ['POST', `/worlds/${worldId}/happenings`, { what: '   ' }, 400],
      ['GET', '/worlds/%E0%A4%A', undefined, 400],
    ];
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const [method, path, body, status] of cases) {
      const response = await call(method, path, body);
      expect([method, path, response.status]).toEqual([method, path, status]);
      expect(typeof (await json<{ error: unknown }>(response)).error).toBe('string');
    }
    // Something too large for a D1 row once compressed and encrypted: random text, which
    // compression cannot shrink below 2 MB.
    const huge = await call('POST', `/worlds/${worldId}/happenings`, { what: randomText(2_300_000) });
    expect(huge.status).toBe(413);
    expect(await json<{ error: string }>(huge)).toEqual({ error: 'what happened is too large to store' });
    // None of them is the server's fault, so none is logged as an error.
    expect(logged).not.toHaveBeenCalled();
    // A well-formed percent-encoded section id is read as the plain one.
    expect((await call('GET', '/log/1%2C1')).status).toBe(200);
  });

  it('answers HEAD where GET is, says what is allowed on a 405, and lets any origin read the log', async () => {
    const worldId = await worldWith('dinosaurs');
    const head = await call('HEAD', `/worlds/${worldId}`);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await call('HEAD', '/log/1,1')).status).toBe(200);
    for (const [method, path, allowed] of [
      ['DELETE', '/worlds', 'POST'],
      ['PUT', `/worlds/${worldId}`, 'GET, HEAD'],
      ['POST', '/log/1,1', 'GET, HEAD'],
      ['GET', `/worlds/${worldId}/snapshot`, 'POST'],
    ] as const) {
      const response = await call(method, path);
      expect([method, path, response.status, response.headers.get('allow')]).toEqual([
        method,
        path,
        405,
        allowed,
      ]);
    }
    // The log is for followers anywhere, a page of another origin included; the rest is not.
    expect((await call('GET', '/log/1,1')).headers.get('access-control-allow-origin')).toBe('*');
    // Its errors too, so that such a page sees their status, not a failed request.
    for (const path of ['/log/abc', '/log/1,1/more', '//log/abc']) {
      const response = await call('GET', path);
      expect([path, response.status, response.headers.get('access-control-allow-origin')]).toEqual([
        path,
        path.endsWith('/abc') ? 400 : 404,
        '*',
      ]);
    }
    expect((await call('POST', '/log/1,1')).headers.get('access-control-allow-origin')).toBe('*');
    expect((await call('GET', `/worlds/${worldId}`)).headers.get('access-control-allow-origin')).toBeNull();
    // A percent-encoded id is the plain one, as a section id is.
    const encoded = worldId.replaceAll('-', '%2D');
    expect(await json<{ id: string }>(await call('GET', `/worlds/${encoded}`))).toMatchObject({
      id: worldId,
    });
  });

  it('answers the server’s own faults with 500, logged, and without their message', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // A bad CIPHER_KEY is a TypeError or a RangeError of the cipher: the server's
    // configuration, not the client's request, on every route.
    for (const CIPHER_KEY of ['not base64!', 'AAAA']) {
      const misconfigured = { DB: env.WORKER_DB, CIPHER_KEY };
      for (const [method, path] of [
        ['POST', '/worlds'],
        ['GET', `/worlds/${crypto.randomUUID()}`],
        ['GET', '/log/1,10'],
      ] as const) {
        const response = await worker.fetch(new Request(`${origin}${path}`, { method }), misconfigured);
        expect([CIPHER_KEY, path, response.status]).toEqual([CIPHER_KEY, path, 500]);
        expect(await response.json()).toEqual({ error: 'internal error' });
      }
    }
    expect(logged).toHaveBeenCalledTimes(6);
    expect(String(logged.mock.calls[0]?.[0])).toMatch(/cipher/);
    // A TypeError from inside the library (here, a database that throws one) is a 500 too.
    logged.mockClear();
    const broken = {
      DB: {
        prepare: () => {
          throw new TypeError('something internal is not a function');
        },
        batch: () => Promise.reject(new TypeError('something internal is not a function')),
      },
    };
    for (const path of ['/log/1,10', `/worlds/${crypto.randomUUID()}`]) {
      const response = await worker.fetch(new Request(`${origin}${path}`), broken);
      expect([path, response.status]).toEqual([path, 500]);
      expect(await response.json()).toEqual({ error: 'internal error' });
    }
    expect(logged).toHaveBeenCalledTimes(2);
  });

  it('serves the notification log in linked sections', async () => {
    // Three worlds with three happenings each: 12 notifications after those already there.
    const base = await lastNotificationId();
    const worldIds = [
      await worldWith('a', 'b', 'c'),
      await worldWith('a', 'b', 'c'),
      await worldWith('a', 'b', 'c'),
    ];
    // The first section is full, so it links to the next; the next is the last.
    const first = await json<SectionJson>(await call('GET', `/log/${sid(base + 1, base + 10)}`));
    expect(first.id).toBe(sid(base + 1, base + 10));
    expect(first.next_id).toBe(sid(base + 11, base + 20));
    expect(first.items.map((n) => n.id)).toEqual(Array.from({ length: 10 }, (_, i) => base + 1 + i));
    expect(first.items[0]).toMatchObject({
      originator_id: worldIds[0],
      originator_version: 1,
      topic: 'World.Created',
    });
    expect(typeof first.items[0]?.state).toBe('string');
    const second = await json<SectionJson>(await call('GET', `/log/${String(first.next_id)}`));
    expect(second).toMatchObject({ id: sid(base + 11, base + 12), next_id: null });
    expect(second.items.map((n) => n.originator_id)).toEqual([worldIds[2], worldIds[2]]);
    // Section ids are read as the original reads them: clamped start, section-size limit.
    expect((await json<SectionJson>(await call('GET', '/log/-3,2'))).id).toBe('1,2');
    expect((await json<SectionJson>(await call('GET', `/log/${sid(base + 5, base + 100)}`))).id).toBe(
      sid(base + 5, base + 12),
    );
    expect(await json<SectionJson>(await call('GET', `/log/${sid(base + 13, base + 20)}`))).toEqual({
      id: null,
      next_id: null,
      items: [],
    });
  });

  it('is followed by a RemoteNotificationLog, decoded with the client’s own mapper', async () => {
    // Two worlds of this test's own: 8 notifications after those already there.
    const base = await lastNotificationId();
    await worldWith('dinosaurs', 'trucks', 'internet');
    await worldWith('a', 'b', 'c');
    // The client fetches from the Worker; its own application decodes with the same key.
    const log = new RemoteNotificationLog(`${origin}/log/`, {
      fetch: (url) => worker.fetch(new Request(url), workerEnv),
    });
    const client = new Worlds({ cipher: new AesGcmCipher(key), compressor: new ZlibCompressor() });
    const decoded: { id: number; type: string; what?: string }[] = [];
    let sectionId: string | null = sid(base + 1, base + 10);
    while (sectionId !== null) {
      const section = await log.section(sectionId);
      for (const n of section.items) {
        const event = await client.mapper.toDomainEvent(n);
        decoded.push({
          id: n.id,
          type:
            event instanceof WorldCreated ? 'created' : event instanceof SomethingHappened ? 'happened' : '?',
          ...(event instanceof SomethingHappened ? { what: event.what } : {}),
        });
      }
      sectionId = section.nextId;
    }
    // Every one of the 8 events came through, in order, and decoded.
    expect(decoded.map((d) => d.id)).toEqual(Array.from({ length: 8 }, (_, i) => base + 1 + i));
    expect(decoded.filter((d) => d.type === 'created').map((d) => d.id)).toEqual([base + 1, base + 5]);
    expect(decoded.filter((d) => d.type === 'happened').map((d) => d.what)).toEqual([
      'dinosaurs',
      'trucks',
      'internet',
      'a',
      'b',
      'c',
    ]);
    // select() follows sections too, with topics filtered before the limit and an inclusive stop.
    const created = await log.select(base + 1, 10, { topics: ['World.Created'] });
    expect(created.map((n) => n.id)).toEqual([base + 1, base + 5]);
    expect((await log.select(base + 3, 4)).map((n) => n.id)).toEqual([
      base + 3,
      base + 4,
      base + 5,
      base + 6,
    ]);
    expect((await log.select(base + 8, 10, { stop: base + 8 })).map((n) => n.id)).toEqual([base + 8]);
    await expect(log.select(1, 11)).rejects.toThrow(RangeError);
    // A malformed id is refused before any request; a server error is an OperationalError.
    await expect(log.section('x')).rejects.toThrow(TypeError);
    const broken = new RemoteNotificationLog(`${origin}/nowhere`, {
      fetch: (url) => worker.fetch(new Request(url), workerEnv),
    });
    await expect(broken.section('1,10')).rejects.toBeInstanceOf(OperationalError);
    // An answer that is not a section's JSON is an InterfaceError (more in
    // remote-notification-log.test.ts).
    for (const body of [
      'not json',
      '{"id":"1,1","next_id":null}',
      '{"id":"1,1","next_id":null,"items":[{"id":1}]}',
      '{"id":"1,1","next_id":null,"items":[null]}',
    ]) {
      const odd = new RemoteNotificationLog(origin, { fetch: async () => new Response(body) });
      await expect(odd.section('1,1')).rejects.toBeInstanceOf(InterfaceError);
    }
  });

  it('reads a section JSON back to the same section', async () => {
    // The shared format round-trips: ids, fields and bytes.
    const base = await lastNotificationId();
    const worldId = await worldWith('dinosaurs', 'trucks', 'internet');
    const body = await json<SectionJson>(await call('GET', `/log/${sid(base + 1, base + 3)}`));
    const section = sectionFromJson(body, sid(base + 1, base + 3));
    expect(section.id).toBe(sid(base + 1, base + 3));
    expect(section.nextId).toBe(sid(base + 4, base + 6));
    expect(section.items.map((n) => n.originatorId)).toEqual([worldId, worldId, worldId]);
    expect(section.items.map((n) => n.originatorVersion)).toEqual([1, 2, 3]);
    expect(section.items[0]?.state).toBeInstanceOf(Uint8Array);
  });
});

/**
 * The Worker example (examples/worker) on its own D1 database, through its fetch handler:
 * create, make it so, read, snapshot, read the log in sections, and follow that log from a
 * client with RemoteNotificationLog, decoding every event with the client's own mapper.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
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
  type SectionJson,
} from '../../src/index.js';

const key = AesGcmCipher.createKey(32);
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
  return (await response.json()) as T;
}

describe('the Worker example', () => {
  const worldIds: string[] = [];

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

  it('creates a world, makes it so, reads it at any version, and snapshots it', async () => {
    // Create a world.
    const created = await call('POST', '/worlds');
    expect(created.status).toBe(201);
    const { id } = await json<{ id: string }>(created);
    expect(created.headers.get('location')).toBe(`/worlds/${id}`);
    worldIds.push(id);
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
    const again = await json<{ version: number; history: string[] }>(await call('GET', `/worlds/${id}`));
    expect(again).toMatchObject({ version: 4, history: ['dinosaurs', 'trucks', 'internet'] });
    // The stored state is compressed and encrypted: no plain text reaches D1.
    const states = await env.WORKER_DB.prepare('SELECT state FROM "Worlds_events"').all<{
      state: number[];
    }>();
    for (const { state } of states.results) {
      expect(new TextDecoder().decode(Uint8Array.from(state))).not.toContain('dinosaurs');
    }
  });

  it('answers bad requests with JSON errors', async () => {
    // A malformed section id, a bad version, an unknown world, a wrong method, a bad body.
    const cases: [string, string, unknown, number][] = [
      ['GET', '/log/abc', undefined, 400],
      ['GET', '/log/1,', undefined, 400],
      ['GET', `/worlds/${String(worldIds[0])}?version=0`, undefined, 400],
      ['GET', `/worlds/${crypto.randomUUID()}`, undefined, 404],
      ['POST', `/worlds/${crypto.randomUUID()}/happenings`, { what: 'x' }, 404],
      ['GET', '/nowhere', undefined, 404],
      ['DELETE', '/worlds', undefined, 405],
      ['POST', `/worlds/${String(worldIds[0])}/happenings`, { when: 'now' }, 400],
    ];
    for (const [method, path, body, status] of cases) {
      const response = await call(method, path, body);
      expect([method, path, response.status]).toEqual([method, path, status]);
      expect(typeof (await json<{ error: unknown }>(response)).error).toBe('string');
    }
  });

  it('serves the notification log in linked sections', async () => {
    // Two more worlds with three happenings each: 12 notifications in all.
    for (let w = 0; w < 2; w++) {
      const { id } = await json<{ id: string }>(await call('POST', '/worlds'));
      worldIds.push(id);
      for (const what of ['a', 'b', 'c']) await call('POST', `/worlds/${id}/happenings`, { what });
    }
    // The first section is full, so it links to the next; the next is the last.
    const first = await json<SectionJson>(await call('GET', '/log/1,10'));
    expect(first.id).toBe('1,10');
    expect(first.next_id).toBe('11,20');
    expect(first.items.map((n) => n.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first.items[0]).toMatchObject({
      originator_id: worldIds[0],
      originator_version: 1,
      topic: 'World.Created',
    });
    expect(typeof first.items[0]?.state).toBe('string');
    const second = await json<SectionJson>(await call('GET', `/log/${String(first.next_id)}`));
    expect(second).toMatchObject({ id: '11,12', next_id: null });
    // Section ids are read as the original reads them: clamped start, section-size limit.
    expect((await json<SectionJson>(await call('GET', '/log/-3,2'))).id).toBe('1,2');
    expect((await json<SectionJson>(await call('GET', '/log/5,100'))).id).toBe('5,12');
    expect(await json<SectionJson>(await call('GET', '/log/13,20'))).toEqual({
      id: null,
      next_id: null,
      items: [],
    });
  });

  it('is followed by a RemoteNotificationLog, decoded with the client’s own mapper', async () => {
    // The client fetches from the Worker; its own application decodes with the same key.
    const log = new RemoteNotificationLog(`${origin}/log/`, {
      fetch: (url) => worker.fetch(new Request(url), workerEnv),
    });
    const client = new Worlds({ cipher: new AesGcmCipher(key), compressor: new ZlibCompressor() });
    const decoded: { id: number; type: string; what?: string }[] = [];
    let sectionId: string | null = '1,10';
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
    // Every one of the 12 events came through, in order, and decoded.
    expect(decoded.map((d) => d.id)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(decoded.filter((d) => d.type === 'created').length).toBe(3);
    expect(decoded.filter((d) => d.type === 'happened').map((d) => d.what)).toEqual([
      'dinosaurs',
      'trucks',
      'internet',
      'a',
      'b',
      'c',
      'a',
      'b',
      'c',
    ]);
    // select() follows sections too, with topics filtered before the limit and an inclusive stop.
    const created = await log.select(1, 10, { topics: ['World.Created'] });
    expect(created.map((n) => n.id)).toEqual([1, 5, 9]);
    expect((await log.select(3, 4)).map((n) => n.id)).toEqual([3, 4, 5, 6]);
    expect((await log.select(11, 10, { stop: 11 })).map((n) => n.id)).toEqual([11]);
    await expect(log.select(1, 11)).rejects.toThrow(RangeError);
    // A malformed id is refused before any request; a server error is an OperationalError.
    await expect(log.section('x')).rejects.toThrow(TypeError);
    const broken = new RemoteNotificationLog(`${origin}/nowhere`, {
      fetch: (url) => worker.fetch(new Request(url), workerEnv),
    });
    await expect(broken.section('1,10')).rejects.toBeInstanceOf(OperationalError);
    // An answer that is not a section's JSON is an InterfaceError.
    for (const body of [
      'not json',
      '{"id":"1,1","next_id":null}',
      '{"id":"1,1","next_id":null,"items":[{"id":1}]}',
    ]) {
      const odd = new RemoteNotificationLog(origin, { fetch: async () => new Response(body) });
      await expect(odd.section('1,1')).rejects.toBeInstanceOf(InterfaceError);
    }
  });

  it('reads a section JSON back to the same section', async () => {
    // The shared format round-trips: ids, fields and bytes.
    const body = await json<SectionJson>(await call('GET', '/log/1,3'));
    const section = sectionFromJson(body);
    expect(section.id).toBe('1,3');
    expect(section.nextId).toBe('4,6');
    expect(section.items.map((n) => n.originatorVersion)).toEqual([1, 2, 3]);
    expect(section.items[0]?.state).toBeInstanceOf(Uint8Array);
  });
});

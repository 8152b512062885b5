/**
 * The Worlds application served over HTTP from a Cloudflare Worker, with its events in D1 and
 * its notification log readable by `RemoteNotificationLog`.
 *
 * In a project of your own, import from the package instead: `eventsourcing`,
 * `eventsourcing/d1`, `eventsourcing/cipher` and `eventsourcing/compressor`.
 *
 * @module
 */
import { AesGcmCipher } from '../../../src/cipher/index.js';
import { ZlibCompressor } from '../../../src/compressor/index.js';
import { d1, type D1DatabaseLike } from '../../../src/d1/index.js';
import {
  AggregateNotFoundError,
  RecordConflictError,
  sectionToJson,
  type ApplicationConfig,
} from '../../../src/index.js';
import { Worlds, type World } from '../../world.js';

/** The Worker's bindings and secrets. */
export interface WorldsEnv {
  /** The D1 database, bound in wrangler.toml. */
  readonly DB: D1DatabaseLike;
  /** A base64 AES key (`wrangler secret put CIPHER_KEY`): when set, state is compressed and encrypted. */
  readonly CIPHER_KEY?: string | undefined;
}

/** A request the client got wrong: answered with its status and a JSON error. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Builds the application of one request. Creating it is cheap: the tables come from the
 * migrations (`createTables: false`), so nothing is sent to D1 until a route needs it.
 *
 * @param env - the Worker's bindings
 * @returns the application
 */
export function worldsApp(env: WorldsEnv): Worlds {
  const config: ApplicationConfig = {
    persistence: d1({ database: env.DB, createTables: false }),
    snapshotting: true,
    ...(env.CIPHER_KEY === undefined || env.CIPHER_KEY === ''
      ? {}
      : { cipher: new AesGcmCipher(env.CIPHER_KEY), compressor: new ZlibCompressor() }),
  };
  return new Worlds(config);
}

/**
 * Answers a request:
 *
 * - `POST /worlds` creates a world: 201 `{ id }`
 * - `GET /worlds/:id` (optionally `?version=n`) reads it: `{ id, version, history, created_on, modified_on }`
 * - `POST /worlds/:id/happenings` with `{ "what": "..." }` makes it so: 204
 * - `POST /worlds/:id/snapshot` (optionally `?version=n`) takes a snapshot: 204
 * - `GET /log/:sectionId`, such as `/log/1,10`: a section of the notification log as JSON
 *   `{ id, next_id, items: [{ id, originator_id, originator_version, topic, state }] }`
 *
 * Errors are JSON `{ error }`: 400 for bad input, 404 for an unknown world or route, 405 for a
 * wrong method, 409 for a conflicting save.
 *
 * @param request - the request
 * @param env - the Worker's bindings
 * @returns the response
 */
export async function handleRequest(request: Request, env: WorldsEnv): Promise<Response> {
  const url = new URL(request.url);
  const [collection, id, action, ...rest] = url.pathname.split('/').filter((p) => p !== '');
  try {
    if (rest.length > 0) throw new HttpError(404, `no route for ${url.pathname}`);
    if (collection === 'log' && id !== undefined && action === undefined) {
      allow(request, 'GET');
      const section = await worldsApp(env).log.section(decodeURIComponent(id));
      return Response.json(sectionToJson(section));
    }
    if (collection !== 'worlds') throw new HttpError(404, `no route for ${url.pathname}`);
    if (id === undefined) {
      allow(request, 'POST');
      const worldId = await worldsApp(env).createWorld();
      return Response.json({ id: worldId }, { status: 201, headers: { location: `/worlds/${worldId}` } });
    }
    if (action === undefined) {
      allow(request, 'GET');
      const world = await worldsApp(env).repository.get<World>(id, { version: versionParam(url) });
      return Response.json({
        id: world.id,
        version: world.version,
        history: world.history,
        created_on: world.createdOn.toISOString(),
        modified_on: world.modifiedOn.toISOString(),
      });
    }
    if (action === 'happenings') {
      allow(request, 'POST');
      await worldsApp(env).makeItSo(id, await whatParam(request));
      return new Response(null, { status: 204 });
    }
    if (action === 'snapshot') {
      allow(request, 'POST');
      const version = versionParam(url);
      await worldsApp(env).takeSnapshot(id, version === undefined ? {} : { version });
      return new Response(null, { status: 204 });
    }
    throw new HttpError(404, `no route for ${url.pathname}`);
  } catch (error) {
    return errorResponse(error);
  }
}

function allow(request: Request, method: string): void {
  if (request.method !== method) throw new HttpError(405, `use ${method} here`);
}

function versionParam(url: URL): number | undefined {
  const text = url.searchParams.get('version');
  if (text === null) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new HttpError(400, `version must be a positive integer, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

async function whatParam(request: Request): Promise<string> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new HttpError(400, 'the body must be JSON such as {"what": "dinosaurs"}');
  }
  const what = (body as { what?: unknown } | null)?.what;
  if (typeof what !== 'string' || what === '') {
    throw new HttpError(400, 'the body must be JSON such as {"what": "dinosaurs"}');
  }
  return what;
}

function errorResponse(error: unknown): Response {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof HttpError) return Response.json({ error: message }, { status: error.status });
  // The library's misuse errors (a malformed section id) are the client's bad input here.
  if (error instanceof TypeError || error instanceof RangeError) {
    return Response.json({ error: message }, { status: 400 });
  }
  if (error instanceof AggregateNotFoundError) return Response.json({ error: message }, { status: 404 });
  if (error instanceof RecordConflictError) return Response.json({ error: message }, { status: 409 });
  console.error(error);
  return Response.json({ error: 'internal error' }, { status: 500 });
}

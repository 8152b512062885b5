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
  DataError,
  RecordConflictError,
  parseSectionId,
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

/** A request the client got wrong: answered with its status and its message as a JSON error. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
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
 * - `POST /worlds/:id/snapshot` (optionally `?version=n`) takes a snapshot: 204, also when one
 *   is already stored at that version
 * - `GET /log/:sectionId`, such as `/log/1,10`: a section of the notification log as JSON
 *   `{ id, next_id, items: [{ id, originator_id, originator_version, topic, state }] }`, which a
 *   page of any origin may read (`Access-Control-Allow-Origin: *` on its answers, errors included)
 *
 * `HEAD` is answered wherever `GET` is. Errors are JSON `{ error }`: 400 for bad input (a
 * malformed section id or percent-encoding, a version that is not a positive integer, a body
 * without a `what` of more than spaces), 404 for an unknown world or route, 405 for a wrong
 * method (with `Allow`), 409 for a conflicting save. Anything else, such as a bad
 * `CIPHER_KEY` or a failing database, is the server's fault: it is logged with `console.error`
 * and answered 500 `{ "error": "internal error" }`, without its message.
 *
 * @param request - the request
 * @param env - the Worker's bindings
 * @returns the response
 */
export async function handleRequest(request: Request, env: WorldsEnv): Promise<Response> {
  const url = new URL(request.url);
  const parts = segments(url);
  const response = await route(request, url, parts, env);
  // A page of another origin reads the log's answers, its errors too (else it sees only a
  // failed request, not their status).
  if (parts[0] === 'log') {
    response.headers.set('access-control-allow-origin', '*');
  }
  // A HEAD gets the GET's status and headers, without its body.
  return request.method === 'HEAD' ? new Response(null, response) : response;
}

async function route(
  request: Request,
  url: URL,
  parts: readonly string[],
  env: WorldsEnv,
): Promise<Response> {
  const [collection, segment, action, ...rest] = parts;
  try {
    if (rest.length > 0) throw new HttpError(404, `no route for ${url.pathname}`);
    const id = segment === undefined ? undefined : decoded(segment);
    if (collection === 'log' && id !== undefined && action === undefined) {
      allow(request, 'GET');
      const section = await worldsApp(env).log.section(sectionIdParam(id));
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
      const what = await whatParam(request);
      try {
        await worldsApp(env).makeItSo(id, what);
      } catch (error) {
        // The client's own `what` made the event too large for D1's limits.
        if (error instanceof DataError) throw new HttpError(413, 'what happened is too large to store');
        throw error;
      }
      return new Response(null, { status: 204 });
    }
    if (action === 'snapshot') {
      allow(request, 'POST');
      const version = versionParam(url);
      try {
        await worldsApp(env).takeSnapshot(id, version === undefined ? {} : { version });
      } catch (error) {
        // A snapshot at that version is already stored: the same state, so this one is taken.
        if (!(error instanceof RecordConflictError)) throw error;
      }
      return new Response(null, { status: 204 });
    }
    throw new HttpError(404, `no route for ${url.pathname}`);
  } catch (error) {
    return errorResponse(error);
  }
}

/** The path's segments, empty ones left out (`//log/1,10` routes as `/log/1,10`). */
function segments(url: URL): string[] {
  return url.pathname.split('/').filter((p) => p !== '');
}

function allow(request: Request, method: 'GET' | 'POST'): void {
  if (request.method === method || (method === 'GET' && request.method === 'HEAD')) return;
  const allowed = method === 'GET' ? 'GET, HEAD' : method;
  throw new HttpError(405, `use ${method} here`, { allow: allowed });
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpError(400, `the path ${JSON.stringify(text)} is not valid percent-encoding`);
  }
}

// The section id is checked here, where an error can only be the client's, so that the log's
// own errors (which are the server's) are never answered as bad input.
function sectionIdParam(sectionId: string): string {
  try {
    parseSectionId(sectionId, 1);
  } catch (error) {
    throw new HttpError(400, (error as Error).message);
  }
  return sectionId;
}

function versionParam(url: URL): number | undefined {
  const text = url.searchParams.get('version');
  if (text === null) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1) {
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
  if (typeof what !== 'string' || what.trim() === '') {
    throw new HttpError(400, 'the body must be JSON such as {"what": "dinosaurs"}');
  }
  return what;
}

function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    return Response.json({ error: error.message }, { status: error.status, headers: error.headers });
  }
  if (error instanceof AggregateNotFoundError) {
    return Response.json({ error: error.message }, { status: 404 });
  }
  if (error instanceof RecordConflictError) {
    // The recorder's message names tables: the client needs only to know to try again.
    return Response.json({ error: 'the world was changed by another request; try again' }, { status: 409 });
  }
  // The rest is the server's: a bad CIPHER_KEY, a database error, a bug. A TypeError or a
  // RangeError here is not the client's mistake either, since client input is checked above.
  console.error(error);
  return Response.json({ error: 'internal error' }, { status: 500 });
}

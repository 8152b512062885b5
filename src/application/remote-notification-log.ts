/**
 * A notification log read over HTTP, and the JSON of its sections: the shape of the original
 * library's `NotificationLogJSONService`, so a server and its clients share one format.
 *
 * @module
 */
import { InterfaceError, OperationalError } from '../errors.js';
import { fromBase64, toBase64 } from '../persistence/bytes.js';
import { Notification } from '../persistence/records.js';
import { checkSelection, type SelectNotificationsOptions } from '../persistence/recorders.js';
import { Section, parseSectionId, type NotificationLog } from './notification-log.js';

/** A notification in a section's JSON; `state` is base64. */
export interface NotificationJson {
  /** The notification id. */
  readonly id: number;
  /** The originator's id. */
  readonly originator_id: string;
  /** The originator's version. */
  readonly originator_version: number;
  /** The event's topic. */
  readonly topic: string;
  /** The stored bytes, in standard base64. */
  readonly state: string;
}

/** A section's JSON: its id, the next section's id, and its notifications. */
export interface SectionJson {
  /** `"first,last"` of the notifications in it, or null when there are none. */
  readonly id: string | null;
  /** The id of the next section when this one is full, else null. */
  readonly next_id: string | null;
  /** The notifications. */
  readonly items: readonly NotificationJson[];
}

/** The part of a `fetch` response the remote log reads. */
export interface RemoteResponse {
  /** Whether the status is in the 200s. */
  readonly ok: boolean;
  /** The HTTP status. */
  readonly status: number;
  /**
   * Reads the body as JSON.
   *
   * @returns the parsed body
   */
  json(): Promise<unknown>;
}

/** Options of {@link RemoteNotificationLog}. */
export interface RemoteNotificationLogOptions {
  /**
   * Gets a URL; the global `fetch` by default. It is called as a plain function, so a method
   * needs its object bound: a Worker passes `(url) => env.SERVICE.fetch(url)` for a service
   * binding.
   */
  readonly fetch?: ((url: string) => Promise<RemoteResponse>) | undefined;
  /** The most notifications {@link RemoteNotificationLog.select} returns at once (10 by default). */
  readonly sectionSize?: number | undefined;
}

/**
 * Serialises a section to the JSON a remote log reads.
 *
 * @param section - the section
 * @returns the JSON value, ready for `JSON.stringify` or `Response.json`
 * @example
 * ```ts
 * return Response.json(sectionToJson(await app.log.section('1,10')));
 * ```
 */
export function sectionToJson(section: Section): SectionJson {
  return {
    id: section.id,
    next_id: section.nextId,
    items: section.items.map((n) => ({
      id: n.id,
      originator_id: n.originatorId,
      originator_version: n.originatorVersion,
      topic: n.topic,
      state: toBase64(n.state),
    })),
  };
}

/**
 * Reads a section back from its JSON, checking that its ids can be followed: item ids are safe
 * integers from 1 in strictly ascending order, the section's id names the first and last of
 * them (null when there are none), and a next id is the original's, `"last+1,last+n"` for a
 * section of n items (none after an empty section).
 *
 * @param value - the parsed JSON
 * @param requestedId - the id of the section asked for, when known: the items must then start
 *   at or after its start (`max(1, first)`) and be no more than it names; like a local section,
 *   they may reach past its last id when the log has gaps in its ids
 * @returns the section
 * @throws {@link InterfaceError} when the value is not a section's JSON, or its ids are not
 *   those of a section (of the one asked for, when given)
 * @throws TypeError when `requestedId` is malformed
 */
export function sectionFromJson(value: unknown, requestedId?: string): Section {
  const requested =
    requestedId === undefined ? undefined : parseSectionId(requestedId, Number.MAX_SAFE_INTEGER);
  const json = value as Partial<SectionJson> | null;
  if (
    typeof json !== 'object' ||
    json === null ||
    !isIdOrNull(json.id) ||
    !isIdOrNull(json.next_id) ||
    !Array.isArray(json.items)
  ) {
    throw new InterfaceError(
      'remote notification log: the response is not a section ({ id, next_id, items })',
    );
  }
  const where = `remote notification log: section ${requestedId ?? String(json.id)}`;
  // Counted before anything is decoded: a faulty server may answer far more.
  if (requested !== undefined && json.items.length > requested.limit) {
    throw new InterfaceError(
      `${where}: the server answered ${String(json.items.length)} items, not up to ${String(requested.limit)}`,
    );
  }
  const items = json.items.map((item: unknown, index) => itemFromJson(item, index, where));
  const first = items[0];
  const last = items[items.length - 1];
  for (let i = 1; i < items.length; i++) {
    if ((items[i] as Notification).id <= (items[i - 1] as Notification).id) {
      throw new InterfaceError(`${where}: item ids are not strictly ascending`);
    }
  }
  if (requested !== undefined && first !== undefined && last !== undefined) {
    // A section "a,b" is up to b - a + 1 notifications from a: over a log with gaps in its ids
    // they reach past b, as a local section's do. Before a, or more of them, is never right.
    if (first.id < requested.start) {
      throw new InterfaceError(
        `${where}: the server answered ${String(items.length)} items with ids ${String(first.id)} to ` +
          `${String(last.id)}, not up to ${String(requested.limit)} from ${String(requested.start)}`,
      );
    }
  }
  const id = json.id ?? null;
  const nextId = json.next_id ?? null;
  const expectedId =
    first === undefined || last === undefined ? null : `${String(first.id)},${String(last.id)}`;
  if (id !== expectedId) {
    throw new InterfaceError(`${where}: its id is ${String(id)}, not ${String(expectedId)} as its items say`);
  }
  // As the original writes it: only after a full section, for as many from the next id, and
  // only while those are safe integers.
  const nextLast = last === undefined ? Number.NaN : last.id + items.length;
  const expectedNext =
    last !== undefined && Number.isSafeInteger(nextLast)
      ? `${String(last.id + 1)},${String(nextLast)}`
      : null;
  if (nextId !== null && nextId !== expectedNext) {
    throw new InterfaceError(
      `${where}: its next id is ${nextId}, not ${String(expectedNext)} (the ${String(items.length)} ids after its last item, ${String(last?.id)})`,
    );
  }
  return new Section(id, items, nextId);
}

function itemFromJson(value: unknown, index: number, where: string): Notification {
  const item = value as Partial<NotificationJson> | null;
  if (
    typeof item !== 'object' ||
    item === null ||
    !Number.isSafeInteger(item.id) ||
    (item.id as number) < 1 ||
    typeof item.originator_id !== 'string' ||
    !Number.isSafeInteger(item.originator_version) ||
    typeof item.topic !== 'string' ||
    typeof item.state !== 'string'
  ) {
    throw new InterfaceError(
      `${where}: item ${String(index)} is not a notification ({ id: a safe integer from 1, ` +
        'originator_id, originator_version, topic, state })',
    );
  }
  let state: Uint8Array;
  try {
    state = fromBase64(item.state);
  } catch (error) {
    throw new InterfaceError(`${where}: item ${String(item.id)} has a state that is not base64`, {
      cause: error,
    });
  }
  return new Notification(
    item.id as number,
    item.originator_id,
    item.originator_version as number,
    item.topic,
    state,
  );
}

function isIdOrNull(value: unknown): boolean {
  return value === null || (typeof value === 'string' && /^-?\d+,-?\d+$/.test(value));
}

/**
 * The notification log of an application served elsewhere, read over HTTP: `GET
 * <baseUrl>/<sectionId>` answers a section's JSON (see {@link sectionToJson}). A browser app
 * follows a Worker's log with it and decodes the events with its own mapper.
 *
 * @example
 * ```ts
 * const log = new RemoteNotificationLog('https://worlds.example.workers.dev/log');
 * let section = await log.section('1,10');
 * for (const n of section.items) console.log(await app.mapper.toDomainEvent(n));
 * ```
 */
export class RemoteNotificationLog implements NotificationLog {
  /** The log's URL, without a trailing slash on its path: a section id is appended to the path (before any query). */
  readonly baseUrl: string;
  /** The most notifications {@link RemoteNotificationLog.select} returns at once. */
  readonly sectionSize: number;
  readonly #fetch: (url: string) => Promise<RemoteResponse>;
  readonly #path: string;
  readonly #query: string;

  /**
   * Creates a remote log.
   *
   * @param baseUrl - the log's URL, such as `https://host/log`
   * @param options - `fetch` (the global one by default) and `sectionSize` (10)
   * @throws RangeError when the section size is not a positive integer
   */
  constructor(baseUrl: string | URL, options: RemoteNotificationLogOptions = {}) {
    const sectionSize = options.sectionSize ?? 10;
    if (!Number.isSafeInteger(sectionSize) || sectionSize < 1) {
      throw new RangeError(
        `remote notification log: section size must be a positive integer, got ${String(sectionSize)}`,
      );
    }
    const url = String(baseUrl);
    // The path ends where a query or fragment begins; section ids go after it.
    const end = url.search(/[?#]/);
    this.#path = (end < 0 ? url : url.slice(0, end)).replace(/\/+$/, '');
    this.#query = end < 0 ? '' : url.slice(end);
    this.baseUrl = this.#path + this.#query;
    this.sectionSize = sectionSize;
    this.#fetch = options.fetch ?? ((url) => fetch(url));
  }

  /**
   * Gets a section from the server.
   *
   * @param sectionId - two integers and a comma, such as `"1,10"`
   * @returns the section
   * @throws TypeError when the section id is malformed (nothing is sent)
   * @throws {@link OperationalError} when the request fails or the server answers an error
   * @throws {@link InterfaceError} when the answer is not a section's JSON, or its items are not
   *   within the section asked for (see {@link sectionFromJson})
   */
  async section(sectionId: string): Promise<Section> {
    parseSectionId(sectionId, Number.MAX_SAFE_INTEGER);
    const url = `${this.#path}/${sectionId}${this.#query}`;
    // Called as a plain function: a platform fetch refuses a `this` other than its own.
    const get = this.#fetch;
    let response: RemoteResponse;
    try {
      response = await get(url);
    } catch (error) {
      throw new OperationalError(`remote notification log: GET ${url} failed`, { cause: error });
    }
    if (!response.ok) {
      throw new OperationalError(`remote notification log: GET ${url} answered ${String(response.status)}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new InterfaceError(`remote notification log: GET ${url} answered something that is not JSON`, {
        cause: error,
      });
    }
    return sectionFromJson(body, sectionId);
  }

  /**
   * Selects notifications by id through the server's sections, following them until `limit`
   * notifications pass the topic filter, `stop` is passed, or the log ends.
   *
   * @param start - the first id to include
   * @param limit - the most to return, at most the section size
   * @param options - `stop` (inclusive) and `topics`
   * @returns the notifications
   * @throws RangeError when an argument is not an integer, or `limit` is negative or above the
   *   section size
   * @throws {@link OperationalError} when a request fails or the server answers an error
   * @throws {@link InterfaceError} when an answer is not a section's JSON, or its ids do not
   *   move on from the section asked for
   */
  async select(
    start: number,
    limit: number,
    options: SelectNotificationsOptions = {},
  ): Promise<Notification[]> {
    const { stop, topics } = options;
    checkSelection(start, limit, stop);
    if (limit > this.sectionSize) {
      throw new RangeError(
        `remote notification log: limit ${String(limit)} is above the section size ${String(this.sectionSize)}`,
      );
    }
    const wanted = topics === undefined || topics.length === 0 ? undefined : new Set(topics);
    const out: Notification[] = [];
    let from = Math.max(1, start);
    // Past the last safe integer there is no section id to ask for, and no notification.
    while (out.length < limit && from <= Math.min(stop ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)) {
      // Without a filter, ask for just what is missing; with one, a whole section at a time.
      const span = wanted === undefined ? limit - out.length : this.sectionSize;
      // Never past the last safe integer: such a section id is malformed.
      const last = Math.min(stop ?? Number.MAX_SAFE_INTEGER, from + span - 1, Number.MAX_SAFE_INTEGER);
      // The section's items are checked to start at from, in ascending order; over gaps in the
      // log's ids they may reach past last, and past stop, which ends the selection.
      const section = await this.section(`${String(from)},${String(last)}`);
      for (const n of section.items) {
        if (stop !== undefined && n.id > stop) return out;
        if (wanted !== undefined && !wanted.has(n.topic)) continue;
        out.push(n);
        if (out.length === limit) return out;
      }
      const tail = section.items[section.items.length - 1];
      if (section.nextId === null || tail === undefined) break;
      const next = tail.id + 1;
      if (!Number.isSafeInteger(next) || next <= from) {
        throw new InterfaceError(
          `remote notification log: cannot move on from ${String(from)} after item ${String(tail.id)}`,
        );
      }
      from = next;
    }
    return out;
  }
}

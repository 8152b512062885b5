/**
 * The in-memory recorders: the default persistence, with no dependencies.
 *
 * @module
 */
import { RecordConflictError } from '../errors.js';
import { keptBytes } from '../persistence/bytes.js';
import { Notification, type StoredEvent } from '../persistence/records.js';
import {
  checkEventSelection,
  checkSelection,
  checkStoredEvents,
  type AggregateRecorder,
  type ApplicationRecorder,
  type SelectEventsOptions,
  type SelectNotificationsOptions,
} from '../persistence/recorders.js';

/**
 * Keeps stored events in memory: per originator, an array sorted by version. It stores the
 * mapper's bytes, never event objects. Inserts are O(1) per event (appending a newer version)
 * and every insert is atomic, as nothing else runs while it checks and writes. The bytes are
 * not copied (a copy on every read would cost more than the read): a state that is a whole
 * buffer is kept as given, and reads hand out the kept bytes, so treat every `state` as
 * read-only, and do not change bytes once given to `insertEvents`.
 */
export class MemoryAggregateRecorder implements AggregateRecorder {
  readonly #streams = new Map<string, StoredEvent[]>();

  async insertEvents(events: readonly StoredEvent[]): Promise<readonly number[]> {
    this.record(events, (e) =>
      Object.freeze({
        originatorId: e.originatorId,
        originatorVersion: e.originatorVersion,
        topic: e.topic,
        state: keptBytes(e.state),
      }),
    );
    return [];
  }

  async selectEvents(originatorId: string, options: SelectEventsOptions = {}): Promise<StoredEvent[]> {
    checkEventSelection(options);
    const { gt, lte, desc = false, limit } = options;
    const stream = this.#streams.get(originatorId);
    if (stream === undefined) return [];
    const from = gt === undefined ? 0 : firstAbove(stream, gt);
    const to = lte === undefined ? stream.length : firstAbove(stream, lte);
    if (from >= to) return [];
    if (!desc) return stream.slice(from, limit === undefined ? to : Math.min(to, from + limit));
    const begin = limit === undefined ? from : Math.max(from, to - limit);
    return stream.slice(begin, to).reverse();
  }

  async close(): Promise<void> {
    // Nothing to release: the data stays for the next application over the same store.
  }

  /**
   * Writes a batch in one pass, each event checked against what is stored, the batch's own
   * earlier events included; on a conflict it takes back what it wrote and throws, so either
   * all of the batch is recorded or none of it. Nothing else runs in between: it is synchronous.
   *
   * @param events - the batch
   * @param makeRecord - builds the record kept for the event at a position in the batch
   * @returns the records written, in the order of `events`
   * @throws {@link RecordConflictError} on a conflict, with nothing written
   * @throws {@link DataError} when the batch is not stored events, with nothing written
   */
  protected record(
    events: readonly StoredEvent[],
    makeRecord: (event: StoredEvent, index: number) => StoredEvent,
  ): StoredEvent[] {
    checkStoredEvents(events);
    const streams = this.#streams;
    const records = new Array<StoredEvent>(events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as StoredEvent;
      const stream = streams.get(e.originatorId);
      if (stream !== undefined && contains(stream, e.originatorVersion)) {
        this.#remove(records, i);
        throw conflict(e);
      }
      const record = makeRecord(e, i);
      if (stream === undefined) {
        streams.set(e.originatorId, [record]);
      } else if ((stream[stream.length - 1] as StoredEvent).originatorVersion < e.originatorVersion) {
        stream.push(record);
      } else {
        stream.splice(firstAbove(stream, e.originatorVersion), 0, record);
      }
      records[i] = record;
    }
    return records;
  }

  /** Takes back the first `count` records of a failed batch, newest first. */
  #remove(records: readonly StoredEvent[], count: number): void {
    for (let i = count - 1; i >= 0; i--) {
      const record = records[i] as StoredEvent;
      const stream = this.#streams.get(record.originatorId) as StoredEvent[];
      if (stream.length === 1) this.#streams.delete(record.originatorId);
      else stream.splice(firstAbove(stream, record.originatorVersion) - 1, 1);
    }
  }
}

/** The in-memory application recorder: the aggregate recorder plus a notification log. */
export class MemoryApplicationRecorder extends MemoryAggregateRecorder implements ApplicationRecorder {
  readonly #log: Notification[] = objectArray();

  override async insertEvents(events: readonly StoredEvent[]): Promise<readonly number[]> {
    const first = this.#log.length + 1;
    const records = this.record(events, (e, i) =>
      Object.freeze(
        new Notification(first + i, e.originatorId, e.originatorVersion, e.topic, keptBytes(e.state)),
      ),
    );
    // Only a whole batch reaches the log: record() throws before this on a conflict.
    const ids = new Array<number>(records.length);
    for (let i = 0; i < records.length; i++) {
      this.#log.push(records[i] as Notification);
      ids[i] = first + i;
    }
    return ids;
  }

  async selectNotifications(
    start: number,
    limit: number,
    options: SelectNotificationsOptions = {},
  ): Promise<Notification[]> {
    checkSelection(start, limit, options.stop);
    const log = this.#log;
    // Ids are 1, 2, 3, ... here, so an id is its index plus one.
    const from = Math.max(0, start - 1);
    const end = options.stop === undefined ? log.length : Math.max(0, Math.min(log.length, options.stop));
    const topics = options.topics;
    if (topics === undefined || topics.length === 0) return log.slice(from, Math.min(end, from + limit));
    const wanted = new Set(topics);
    const out: Notification[] = [];
    for (let i = from; i < end && out.length < limit; i++) {
      const n = log[i] as Notification;
      if (wanted.has(n.topic)) out.push(n);
    }
    return out;
  }

  async maxNotificationId(): Promise<number> {
    return this.#log.length;
  }
}

/**
 * Makes an empty array that V8 keeps as an array of objects from the start. An empty `[]`
 * starts as an array of small integers and changes kind at its first object; code compiled
 * while earlier logs had changed would be thrown away at every new recorder's first insert
 * (a new application per request, per test, per benchmark run).
 *
 * @returns an empty array
 */
function objectArray<T>(): T[] {
  const array: unknown[] = [null];
  array.length = 0;
  return array as T[];
}

/** Returns the index of the first record with a version above `version` (binary search). */
function firstAbove(stream: readonly StoredEvent[], version: number): number {
  let lo = 0;
  let hi = stream.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((stream[mid] as StoredEvent).originatorVersion <= version) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function contains(stream: readonly StoredEvent[], version: number): boolean {
  const last = stream[stream.length - 1] as StoredEvent;
  if (last.originatorVersion < version) return false;
  const i = firstAbove(stream, version) - 1;
  return i >= 0 && (stream[i] as StoredEvent).originatorVersion === version;
}

function conflict(e: StoredEvent): RecordConflictError {
  return new RecordConflictError(
    `memory: an event of ${e.originatorId} at version ${String(e.originatorVersion)} is already recorded`,
  );
}

/**
 * The recorder interfaces, in the original's three levels: aggregate recorder, application
 * recorder (with a notification log), process recorder (with tracking).
 *
 * @module
 */
import { DataError } from '../errors.js';
import type { Notification, StoredEvent } from './records.js';

/** Options of {@link AggregateRecorder.selectEvents}. */
export interface SelectEventsOptions {
  /** Only versions greater than this. */
  readonly gt?: number | undefined;
  /** Only versions less than or equal to this. */
  readonly lte?: number | undefined;
  /** Newest first. */
  readonly desc?: boolean | undefined;
  /** At most this many (0 gives none). */
  readonly limit?: number | undefined;
}

/** Stores and selects the events of aggregates. */
export interface AggregateRecorder {
  /**
   * Records a batch of stored events atomically: all of them, or, when any (originator id,
   * version) pair is already recorded or appears twice in the batch, none of them.
   *
   * @param events - the batch
   * @returns the notification ids given to the events, in order (empty for a recorder without
   *   a notification log)
   * @throws {@link RecordConflictError} on a conflict, with nothing written
   * @throws {@link DataError} when the batch is not stored events (see
   *   {@link checkStoredEvents}) or the database refuses a value, with nothing written
   */
  insertEvents(events: readonly StoredEvent[]): Promise<readonly number[]>;

  /**
   * Selects an originator's stored events, by version ascending unless `desc`.
   *
   * @param originatorId - the originator's id
   * @param options - version bounds, order and limit
   * @returns the stored events
   * @throws RangeError when `gt` or `lte` is not an integer, or `limit` is negative or not an
   *   integer (see {@link checkEventSelection})
   */
  selectEvents(originatorId: string, options?: SelectEventsOptions): Promise<StoredEvent[]>;

  /** Releases the recorder's connections; the recorded data stays. */
  close(): Promise<void>;
}

/** Options of {@link ApplicationRecorder.selectNotifications}. */
export interface SelectNotificationsOptions {
  /** The last notification id to include (inclusive). */
  readonly stop?: number | undefined;
  /** Only notifications with one of these topics (applied before the limit); `[]` filters none out. */
  readonly topics?: readonly string[] | undefined;
}

/** An aggregate recorder that also keeps a notification log across all originators. */
export interface ApplicationRecorder extends AggregateRecorder {
  /**
   * Records a batch atomically and gives each event a notification id. Ids are strictly
   * increasing, committed in id order, contiguous within a batch, and never reused once
   * committed.
   *
   * @param events - the batch
   * @returns the new notification ids, in the order of `events`
   * @throws {@link RecordConflictError} on a conflict, with nothing written
   * @throws {@link DataError} when the batch is not stored events or the database refuses a
   *   value, with nothing written
   */
  insertEvents(events: readonly StoredEvent[]): Promise<readonly number[]>;

  /**
   * Selects notifications by id ascending, from `start` (inclusive; below 1 means from the
   * beginning), at most `limit` of them (0 gives none), up to `stop` (inclusive).
   *
   * @param start - the first id to include
   * @param limit - the most to return
   * @param options - `stop` and `topics`
   * @returns the notifications
   * @throws RangeError when an argument is not an integer, or `limit` is negative
   */
  selectNotifications(
    start: number,
    limit: number,
    options?: SelectNotificationsOptions,
  ): Promise<Notification[]>;

  /**
   * Returns the highest notification id recorded.
   *
   * @returns the id, or 0 when nothing is recorded
   */
  maxNotificationId(): Promise<number>;
}

/** The position of a processed notification in an upstream application's log. */
export interface Tracking {
  /** The name of the upstream application. */
  readonly applicationName: string;
  /** The id of the processed notification. */
  readonly notificationId: number;
}

/**
 * An application recorder that also records, atomically with the events, which upstream
 * notification was processed: the room left for event processing (no recorder implements it
 * yet).
 */
export interface ProcessRecorder extends ApplicationRecorder {
  /**
   * Records events together with a tracking record.
   *
   * @param events - the batch
   * @param tracking - the processed upstream position
   * @returns the new notification ids
   */
  insertEventsWithTracking(events: readonly StoredEvent[], tracking: Tracking): Promise<readonly number[]>;

  /**
   * Returns the last processed notification id of an upstream application.
   *
   * @param applicationName - the upstream application
   * @returns the id, or 0 when none was processed
   */
  maxTrackingId(applicationName: string): Promise<number>;
}

/**
 * Checks a limit the same way for every recorder.
 *
 * @param limit - the requested limit
 * @throws RangeError when `limit` is negative or not an integer
 */
export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError(`recorder: limit must be a non-negative integer, got ${String(limit)}`);
  }
}

/**
 * Checks the options of an event selection the same way for every recorder, so that no
 * recorder reads `lte: Infinity` or `gt: NaN` in a way of its own.
 *
 * @param options - the requested options
 * @throws RangeError when `gt` or `lte` is given and not an integer, or `limit` is negative or
 *   not an integer
 */
export function checkEventSelection(options: SelectEventsOptions): void {
  const { gt, lte, limit } = options;
  if (gt !== undefined && !Number.isInteger(gt)) {
    throw new RangeError(`recorder: gt must be an integer, got ${String(gt)}`);
  }
  if (lte !== undefined && !Number.isInteger(lte)) {
    throw new RangeError(`recorder: lte must be an integer, got ${String(lte)}`);
  }
  if (limit !== undefined) checkLimit(limit);
}

/** A UTF-16 surrogate without its pair (in `u` mode a well-formed pair is one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

/** `String.prototype.isWellFormed` (ES2024), where the runtime has it. */
type MaybeWellFormed = { isWellFormed?: () => boolean };

/**
 * Tells whether a string is well-formed Unicode (no lone surrogate), natively where the
 * runtime can (Node 20, Chromium, workerd), else with a regular expression.
 *
 * @param text - the string
 * @returns whether it has a UTF-8 form
 */
function isWellFormed(text: string): boolean {
  const native = (text as MaybeWellFormed).isWellFormed;
  return native === undefined ? !LONE_SURROGATE.test(text) : native.call(text);
}

/**
 * Checks the stored events of a batch the same way for every recorder, before anything is
 * written: a string originator id and topic, a safe-integer version, and bytes for the state.
 * Ids and topics must be well-formed Unicode: a lone surrogate has no UTF-8 form, so a
 * database that stores text as UTF-8 (D1) would give back another string.
 *
 * @param events - the batch
 * @throws {@link DataError} naming the first event that is not a stored event, or whose id or
 *   topic holds a lone surrogate; nothing is written
 */
export function checkStoredEvents(events: readonly StoredEvent[]): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as StoredEvent;
    if (
      typeof e.originatorId !== 'string' ||
      !Number.isSafeInteger(e.originatorVersion) ||
      typeof e.topic !== 'string' ||
      !(e.state instanceof Uint8Array)
    ) {
      throw new DataError(
        `recorder: event ${String(i)} of the batch is not a stored event (a string originatorId and topic, a safe-integer originatorVersion and Uint8Array state); nothing was written`,
      );
    }
    if (!isWellFormed(e.originatorId) || !isWellFormed(e.topic)) {
      throw new DataError(
        `recorder: event ${String(i)} of the batch has an originatorId or topic with a lone UTF-16 surrogate, which has no UTF-8 form; nothing was written`,
      );
    }
  }
}

/**
 * Checks the arguments of a notification selection the same way for every recorder.
 *
 * @param start - the requested first id
 * @param limit - the requested limit
 * @param stop - the requested last id
 * @throws RangeError when an argument is not an integer, or `limit` is negative
 */
export function checkSelection(start: number, limit: number, stop: number | undefined): void {
  if (!Number.isInteger(start)) {
    throw new RangeError(`recorder: start must be an integer, got ${String(start)}`);
  }
  if (stop !== undefined && !Number.isInteger(stop)) {
    throw new RangeError(`recorder: stop must be an integer, got ${String(stop)}`);
  }
  checkLimit(limit);
}

/**
 * The notification log reader: follows a notification log, local or remote, from a position.
 *
 * @module
 */
import { InterfaceError } from '../errors.js';
import type { Notification } from '../persistence/records.js';
import type { NotificationLog } from './notification-log.js';

/** Where a {@link NotificationLogReader} starts and stops, and which topics it selects. */
export interface ReadOptions {
  /** The first notification id to read (1 by default): the last id processed, plus one. */
  readonly start?: number | undefined;
  /** The last notification id to read, if any. */
  readonly stop?: number | undefined;
  /** Only notifications of these topics (all when absent or empty). */
  readonly topics?: readonly string[] | undefined;
}

/**
 * Reads a notification log from a position to its end, a page at a time, as the original's
 * `NotificationLogReader` does: for projections and followers that keep the last id they
 * processed and start again after it. Each page is one `log.select`, so a page never holds
 * more than the log's section size.
 *
 * @example
 * ```ts
 * const reader = new NotificationLogReader(app.log);
 * for await (const page of reader.select({ start: position + 1 })) {
 *   for (const notification of page) {
 *     show(await app.mapper.toDomainEvent(notification));
 *     position = notification.id;
 *   }
 * }
 * ```
 */
export class NotificationLogReader {
  /** The log it reads. */
  readonly log: NotificationLog;
  /** The most notifications per page: at most the log's section size. */
  readonly pageSize: number;

  /**
   * Creates a reader.
   *
   * @param log - the notification log to read
   * @param pageSize - notifications per page, at most the log's section size (by default the
   *   log's `sectionSize`, or 10, the default section size, for a log that does not say)
   * @throws RangeError when the page size is not a positive integer
   */
  constructor(log: NotificationLog, pageSize: number = log.sectionSize ?? 10) {
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
      throw new RangeError(
        `notification log reader: page size must be a positive integer, got ${String(pageSize)}`,
      );
    }
    this.log = log;
    this.pageSize = pageSize;
  }

  /**
   * Selects pages of notifications with `log.select`, from `start` until the log (or `stop`) is
   * reached. Pages come one at a time: the next is selected when the caller asks for it, so a
   * page's notifications can be processed (and the position kept) before the next is read.
   *
   * @param options - `start`, `stop` and `topics`
   * @yields each page of notifications (never an empty one)
   * @throws RangeError when `start` or `stop` is not a safe integer, or the page size is
   *   above the log's section size (from the log)
   * @throws {@link InterfaceError} when the log returns a page that ends before the id asked
   *   for (a faulty log, which would otherwise be read forever)
   */
  async *select(options: ReadOptions = {}): AsyncGenerator<Notification[], void, undefined> {
    const { stop, topics } = options;
    let start = options.start ?? 1;
    if (!Number.isSafeInteger(start) || (stop !== undefined && !Number.isSafeInteger(stop))) {
      throw new RangeError(
        `notification log reader: start and stop must be safe integers, got ${String(start)} and ${String(stop)}`,
      );
    }
    const selection = { stop, topics };
    for (;;) {
      const page = await this.log.select(start, this.pageSize, selection);
      const last = page[page.length - 1];
      if (last === undefined) return;
      if (last.id < start) {
        throw new InterfaceError(
          `notification log reader: the log returned ids up to ${String(last.id)} when asked to start at ${String(start)}`,
        );
      }
      yield page;
      if (last.id >= Number.MAX_SAFE_INTEGER || (stop !== undefined && last.id >= stop)) return;
      start = last.id + 1;
    }
  }

  /**
   * Reads notifications one by one: {@link NotificationLogReader.select}'s pages, flattened.
   *
   * @param options - `start`, `stop` and `topics`
   * @yields each notification, in the order of the log
   */
  async *read(options: ReadOptions = {}): AsyncGenerator<Notification, void, undefined> {
    for await (const page of this.select(options)) yield* page;
  }
}

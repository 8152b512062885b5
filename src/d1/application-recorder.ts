/**
 * The D1 application recorder: an application's events and notification log, in its
 * `<name>_events` table.
 *
 * @module
 */
import { InternalError } from '../errors.js';
import { toBytes } from '../persistence/bytes.js';
import { Notification, type StoredEvent } from '../persistence/records.js';
import {
  checkSelection,
  type ApplicationRecorder,
  type SelectNotificationsOptions,
} from '../persistence/recorders.js';
import type { D1DatabaseLike } from './database.js';
import { ROWS_PER_PAGE } from './limits.js';
import { isLastPage, pageParams, pageSql } from './pages.js';
import { applicationTablesSql, d1TableNames } from './schema.js';
import { D1TableRecorder, type D1RecorderOptions } from './table-recorder.js';

interface NotificationRow {
  readonly notification_id: number;
  readonly originator_id: string;
  readonly originator_version: number;
  readonly topic: string;
  readonly state: unknown;
}

/**
 * Records an application's events in D1, with a notification log: the table's
 * `notification_id INTEGER PRIMARY KEY AUTOINCREMENT`, never reused. Each save is one atomic
 * `batch()`; the UNIQUE (originator id, version) constraint is the concurrency check.
 *
 * @example
 * ```ts
 * const recorder = new D1ApplicationRecorder(env.DB, 'Worlds');
 * const ids = await recorder.insertEvents(storedEvents);
 * ```
 */
export class D1ApplicationRecorder extends D1TableRecorder implements ApplicationRecorder {
  /**
   * Creates the recorder of an application's events.
   *
   * @param database - the D1 database (a Worker's `env.DB`)
   * @param applicationName - the application's name: the table is `<name>_events`
   * @param options - `createTables` (true by default)
   * @throws TypeError when the name cannot name a table
   */
  constructor(database: D1DatabaseLike, applicationName: string, options: D1RecorderOptions = {}) {
    const tables = d1TableNames(applicationName);
    super(
      database,
      tables.events,
      options.createTables === false ? undefined : applicationTablesSql(tables),
      'notification_id',
    );
  }

  /**
   * Records stored events atomically, in one D1 batch, and returns their notification ids.
   *
   * @param events - the batch
   * @returns the new notification ids, in the order of `events`
   * @throws {@link RecordConflictError} when an originator id and version is taken, or appears
   *   twice in the batch; nothing is written
   * @throws {@link DataError} when an event is over D1's row limit, or the states together are
   *   over {@link MAX_SAVE_BYTES}, or the batch is not stored events; nothing is sent. Also
   *   when D1 refuses the batch as too big; nothing is written
   * @throws {@link ProgrammingError} when the table does not exist
   * @throws {@link OperationalError} when D1 fails otherwise: nothing is written, unless the
   *   failure was of the connection to D1 after it committed (a lost connection)
   * @throws {@link InternalError} when D1 returns other than one id per event
   */
  async insertEvents(events: readonly StoredEvent[]): Promise<readonly number[]> {
    if (events.length === 0) return [];
    const rows = await this.insertRows<{ notification_id: number }>(events);
    if (rows.length !== events.length) {
      throw new InternalError(
        `d1: ${this.table} returned ${String(rows.length)} notification ids for ${String(events.length)} events`,
      );
    }
    // D1 runs a database's writes one at a time and the rows of a batch are inserted in order,
    // each taking the next AUTOINCREMENT id: sorted, the ids follow the order of the events.
    const ids = rows.map((r) => r.notification_id);
    return ids.sort((a, b) => a - b);
  }

  /**
   * Selects notifications by id ascending, one page per query (up to {@link ROWS_PER_PAGE}
   * rows, fewer when their states reach `PAGE_BYTES`): from `start`
   * (inclusive; below 1 reads from the beginning), at most `limit` (0 gives none), up to
   * `stop` (inclusive), topics filtered before the limit.
   *
   * @param start - the first id to include
   * @param limit - the most to return
   * @param options - `stop` and `topics`
   * @returns the notifications
   * @throws RangeError when an argument is not an integer, or `limit` is negative
   * @throws {@link PersistenceError} translated from D1's error (a `ProgrammingError` when the
   *   table does not exist)
   */
  async selectNotifications(
    start: number,
    limit: number,
    options: SelectNotificationsOptions = {},
  ): Promise<Notification[]> {
    const { stop, topics } = options;
    checkSelection(start, limit, stop);
    if (limit === 0 || (stop !== undefined && stop < Math.max(1, start))) return [];
    let where = 'notification_id >= ?';
    if (stop !== undefined) where += ' AND notification_id <= ?';
    // One parameter carries every topic, so a long list never meets the parameter limit.
    const topicsJson = topics === undefined || topics.length === 0 ? undefined : JSON.stringify(topics);
    if (topicsJson !== undefined) where += ' AND topic IN (SELECT value FROM json_each(?))';
    const sql = pageSql({
      table: this.table,
      columns: 'notification_id, originator_id, originator_version, topic, state',
      key: 'notification_id',
      where,
      desc: false,
    });

    const out: Notification[] = [];
    let from = start;
    for (;;) {
      const want = Math.min(ROWS_PER_PAGE, limit - out.length);
      const condition: unknown[] = [from];
      if (stop !== undefined) condition.push(stop);
      if (topicsJson !== undefined) condition.push(topicsJson);
      const rows = await this.selectRows<NotificationRow>(sql, pageParams(condition, want));
      let bytes = 0;
      for (const r of rows) {
        const state = toBytes(r.state);
        bytes += state.byteLength;
        out.push(new Notification(r.notification_id, r.originator_id, r.originator_version, r.topic, state));
      }
      const last = rows[rows.length - 1];
      if (last === undefined || out.length === limit || isLastPage(rows.length, want, bytes)) return out;
      from = last.notification_id + 1;
    }
  }

  /**
   * Returns the highest notification id recorded.
   *
   * @returns the id, or 0 when nothing is recorded
   * @throws {@link PersistenceError} translated from D1's error (a `ProgrammingError` when the
   *   table does not exist)
   */
  async maxNotificationId(): Promise<number> {
    const [row] = await this.selectRows<{ id: number | null }>(
      `SELECT MAX(notification_id) AS id FROM ${this.table}`,
      [],
    );
    return row?.id ?? 0;
  }
}

/**
 * The part the D1 recorders share: one table of stored events keyed by originator id and
 * version, written in atomic batches and read in pages.
 *
 * @module
 */
import type { PersistenceError } from '../errors.js';
import type { StoredEvent } from '../persistence/records.js';
import {
  checkEventSelection,
  checkStoredEvents,
  type SelectEventsOptions,
} from '../persistence/recorders.js';
import { ownBytes, toBytes } from '../persistence/bytes.js';
import type { D1DatabaseLike, D1StatementLike } from './database.js';
import { translateError } from './errors.js';
import { ROWS_PER_INSERT, ROWS_PER_PAGE, checkRowSize, checkSaveSize } from './limits.js';
import { isLastPage, pageParams, pageSql } from './pages.js';

/** Options of the D1 recorders. */
export interface D1RecorderOptions {
  /**
   * Creates the recorder's tables (`IF NOT EXISTS`) in one batch before its first use; `true`
   * by default. Pass `false` when the schema is applied by migrations.
   */
  readonly createTables?: boolean | undefined;
}

interface EventRow {
  readonly originator_version: number;
  readonly topic: string;
  readonly state: unknown;
}

/**
 * A recorder over one D1 table of stored events, with the columns `originator_id`,
 * `originator_version`, `topic` and `state`, unique by originator id and version.
 */
export class D1TableRecorder {
  /** The database. */
  protected readonly database: D1DatabaseLike;
  /** The quoted table name. */
  protected readonly table: string;
  readonly #createSql: readonly string[] | undefined;
  readonly #returning: string;
  readonly #insertSql = new Map<number, string>();
  #created: Promise<void> | undefined;

  /**
   * Creates a recorder over a table.
   *
   * @param database - the D1 database
   * @param table - the quoted table name
   * @param createSql - the statements that create the table, or undefined to not create it
   * @param returning - a column list for the INSERT's `RETURNING` clause, or `''`
   */
  protected constructor(
    database: D1DatabaseLike,
    table: string,
    createSql: readonly string[] | undefined,
    returning: string,
  ) {
    this.database = database;
    this.table = table;
    this.#createSql = createSql;
    this.#returning = returning === '' ? '' : ` RETURNING ${returning}`;
  }

  /**
   * Inserts stored events in one batch of INSERT statements of at most 25 rows each (four
   * bound parameters a row, within D1's 100), so any size of save stays atomic.
   *
   * @param events - the batch, not empty
   * @returns the rows returned by the statements, in statement order
   * @throws {@link DataError} when an event is over D1's row limit, or the states together are
   *   over {@link MAX_SAVE_BYTES}, or the batch is not stored events, before anything is sent
   * @throws {@link RecordConflictError} on a duplicate originator id and version
   * @throws {@link PersistenceError} translated from D1's other errors
   */
  protected async insertRows<T>(events: readonly StoredEvent[]): Promise<T[]> {
    checkStoredEvents(events);
    for (const event of events) checkRowSize(event, this.table);
    checkSaveSize(events, this.table);
    await this.ensureTables();
    const statements: D1StatementLike[] = [];
    for (let from = 0; from < events.length; from += ROWS_PER_INSERT) {
      const to = Math.min(events.length, from + ROWS_PER_INSERT);
      const values: unknown[] = new Array<unknown>((to - from) * 4);
      let j = 0;
      for (let i = from; i < to; i++) {
        const e = events[i] as StoredEvent;
        values[j++] = e.originatorId;
        values[j++] = e.originatorVersion;
        values[j++] = e.topic;
        // Exactly the state's bytes: a view of a transcoder's block is otherwise sent whole
        // where a binding serializes the buffer (Miniflare's proxy outside workerd does).
        values[j++] = ownBytes(e.state);
      }
      statements.push(this.database.prepare(this.#insertStatement(to - from)).bind(...values));
    }
    let results;
    try {
      results = await this.database.batch<T>(statements);
    } catch (error) {
      throw this.#translate(error, 'insert');
    }
    return results.length === 1 ? (results[0]?.results ?? []) : results.flatMap((r) => r.results);
  }

  /**
   * Selects an originator's stored events, one page per query: up to {@link ROWS_PER_PAGE}
   * rows, fewer when their states reach `PAGE_BYTES`.
   *
   * @param originatorId - the originator's id
   * @param options - version bounds, order and limit
   * @returns the stored events
   * @throws RangeError when `gt` or `lte` is not an integer, or `limit` is negative or not an
   *   integer
   * @throws {@link PersistenceError} translated from D1's error (a `ProgrammingError` when the
   *   table does not exist)
   */
  async selectEvents(originatorId: string, options: SelectEventsOptions = {}): Promise<StoredEvent[]> {
    checkEventSelection(options);
    const { desc = false, limit } = options;
    if (limit === 0) return [];
    let { gt, lte } = options;
    const out: StoredEvent[] = [];
    for (;;) {
      const want = limit === undefined ? ROWS_PER_PAGE : Math.min(ROWS_PER_PAGE, limit - out.length);
      let where = 'originator_id = ?';
      const condition: unknown[] = [originatorId];
      if (gt !== undefined) {
        where += ' AND originator_version > ?';
        condition.push(gt);
      }
      if (lte !== undefined) {
        where += ' AND originator_version <= ?';
        condition.push(lte);
      }
      const sql = pageSql({
        table: this.table,
        columns: 'originator_version, topic, state',
        key: 'originator_version',
        where,
        desc,
      });
      const rows = await this.selectRows<EventRow>(sql, pageParams(condition, want));
      let bytes = 0;
      for (const row of rows) {
        const state = toBytes(row.state);
        bytes += state.byteLength;
        out.push({ originatorId, originatorVersion: row.originator_version, topic: row.topic, state });
      }
      const last = rows[rows.length - 1];
      if (last === undefined || out.length === limit || isLastPage(rows.length, want, bytes)) return out;
      // The next page continues after the last version read, in the same direction.
      if (desc) lte = last.originator_version - 1;
      else gt = last.originator_version;
    }
  }

  /** Releases nothing: a D1 binding has no connection to close. The data stays. */
  async close(): Promise<void> {
    // The binding belongs to the Worker's environment, which outlives the recorder.
  }

  /**
   * Runs one SELECT and returns its rows.
   *
   * @param sql - the statement
   * @param params - its parameters
   * @returns the rows
   * @throws {@link PersistenceError} translated from D1's error
   */
  protected async selectRows<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    await this.ensureTables();
    try {
      return (
        await this.database
          .prepare(sql)
          .bind(...params)
          .all<T>()
      ).results;
    } catch (error) {
      throw this.#translate(error, 'select');
    }
  }

  /**
   * Creates the tables once, when the recorder was asked to; a failure lets the next use try
   * again.
   */
  protected async ensureTables(): Promise<void> {
    const createSql = this.#createSql;
    if (createSql === undefined) return;
    this.#created ??= this.database.batch(createSql.map((sql) => this.database.prepare(sql))).then(
      () => undefined,
      (error: unknown) => {
        this.#created = undefined;
        throw this.#translate(error, 'create table');
      },
    );
    await this.#created;
  }

  /** The library's error for D1's, with advice that depends on whether this recorder creates its tables. */
  #translate(error: unknown, action: string): PersistenceError {
    return translateError(error, this.table, action, this.#createSql !== undefined);
  }

  #insertStatement(rows: number): string {
    let sql = this.#insertSql.get(rows);
    if (sql === undefined) {
      sql =
        `INSERT INTO ${this.table} (originator_id, originator_version, topic, state) VALUES ` +
        Array.from({ length: rows }, () => '(?, ?, ?, ?)').join(', ') +
        this.#returning;
      this.#insertSql.set(rows, sql);
    }
    return sql;
  }
}

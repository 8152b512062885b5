/**
 * The SELECT of one page of a read, bounded by rows and by state bytes.
 *
 * @module
 */
import { PAGE_BYTES } from './limits.js';

/** What a paged SELECT reads: one table, in the order of one key column. */
export interface PageQuery {
  /** The quoted table name. */
  readonly table: string;
  /** The columns returned, such as `"originator_version, topic, state"`. */
  readonly columns: string;
  /** The key column the page is ordered by and continues from. */
  readonly key: string;
  /** The condition of the rows wanted, with its own `?` parameters. */
  readonly where: string;
  /** Whether the page goes from the highest key down. */
  readonly desc: boolean;
}

/**
 * Returns the SELECT of one page: of the first `rows` rows that match, those that start
 * before `bytes` of state, so a page holds less than `bytes` plus one row.
 *
 * Why this shape: a smaller fixed page would not bound the bytes (100 rows of 2 MB are
 * 200 MB), and reading the lengths first would take a second query per page. Here the page's
 * LIMIT is a subquery that counts the rows whose running sum of `length(state)` (which SQLite
 * reads from the row's header without loading the BLOB) starts below the budget, over at most
 * `rows` rows; since that sum only grows in key order, those rows are the first ones, and the
 * outer SELECT is the plain one.
 *
 * @param query - the table, columns, key, condition and order
 * @returns SQL whose parameters {@link pageParams} gives
 */
export function pageSql(query: PageQuery): string {
  const { table, columns, key, where, desc } = query;
  const order = desc ? 'DESC' : 'ASC';
  const count =
    `SELECT COUNT(*) FROM (SELECT SUM(len) OVER (ORDER BY k ${order} ROWS UNBOUNDED PRECEDING) - len AS before ` +
    `FROM (SELECT ${key} AS k, length(state) AS len FROM ${table} WHERE ${where} ORDER BY ${key} ${order} LIMIT ?)) ` +
    'WHERE before < ?';
  return `SELECT ${columns} FROM ${table} WHERE ${where} ORDER BY ${key} ${order} LIMIT (${count})`;
}

/**
 * Returns the parameters of a {@link pageSql} statement: the condition's once for the page and
 * once for its byte count, then the rows asked for and {@link PAGE_BYTES}.
 *
 * @param condition - the parameters of the query's `where`
 * @param rows - the most rows the page may hold
 * @returns the parameters to bind
 */
export function pageParams(condition: readonly unknown[], rows: number): unknown[] {
  return [...condition, ...condition, rows, PAGE_BYTES];
}

/**
 * Tells whether a page was the last of a read: it came back short of the rows asked for, and
 * not because its states reached {@link PAGE_BYTES} (a page cut there holds at least that many
 * bytes, since it stops only at a row that starts at or past them).
 *
 * @param rows - the rows the page returned
 * @param want - the rows it asked for
 * @param bytes - the state bytes it returned
 * @returns true when no more rows match
 */
export function isLastPage(rows: number, want: number, bytes: number): boolean {
  return rows < want && bytes < PAGE_BYTES;
}

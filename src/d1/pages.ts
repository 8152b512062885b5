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
  /** A condition with its own `?` parameters that the key is unique within, or `''`. */
  readonly scope: string;
  /** The key column the page is ordered by and continues from. */
  readonly key: string;
  /** The condition of the rows wanted, `?` parameters included (the scope repeated, if any). */
  readonly where: string;
  /** Whether the page goes from the highest key down. */
  readonly desc: boolean;
}

/**
 * Returns the SELECT of one page: of the first `rows` keys that match, those whose rows start
 * before `bytes` of state, so a page holds less than `bytes` plus one row.
 *
 * Why this shape: a smaller fixed page would not bound the bytes (100 rows of 2 MB are
 * 200 MB), and reading the lengths first would take a second query per page. Here one query
 * sums `length(state)`, which SQLite reads from the row's header without loading the BLOB,
 * over at most `rows` keys, and the rows themselves are read only for the keys that fit.
 * Looking them up through `IN` keeps the key order, so SQLite needs no sort.
 *
 * @param query - the table, columns, scope, key, condition and order
 * @returns SQL whose parameters are the scope's, the condition's, then `rows` and `bytes`
 */
export function pageSql(query: PageQuery): string {
  const { table, columns, scope, key, where, desc } = query;
  const order = desc ? 'DESC' : 'ASC';
  const keys =
    `SELECT k FROM (SELECT k, SUM(len) OVER (ORDER BY k ${order} ROWS UNBOUNDED PRECEDING) - len AS before ` +
    `FROM (SELECT ${key} AS k, length(state) AS len FROM ${table} WHERE ${where} ORDER BY ${key} ${order} LIMIT ?)) ` +
    'WHERE before < ?';
  return (
    `SELECT ${columns} FROM ${table} WHERE ${scope === '' ? '' : `${scope} AND `}${key} IN (${keys}) ` +
    `ORDER BY ${key} ${order}`
  );
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

/**
 * The few parts of Cloudflare's D1 API that the recorders use, declared structurally so that
 * nothing here depends on `@cloudflare/workers-types`: a Worker's `env.DB` binding (and a
 * session from `env.DB.withSession()`) fits these types as it is.
 *
 * @module
 */

/** What D1 gives back for a statement: the rows, plus metadata the recorders do not read. */
export interface D1ResultLike<T> {
  /** The rows, one object per row keyed by column name. */
  readonly results: T[];
}

/** A prepared statement, bound or not. */
export interface D1StatementLike {
  /**
   * Binds values to the statement's `?` parameters.
   *
   * @param values - strings, numbers, `null`, or bytes for BLOBs
   * @returns the bound statement
   */
  bind(...values: unknown[]): D1StatementLike;

  /**
   * Runs the statement and returns its rows.
   *
   * @returns the result, with `results` holding the rows
   */
  all<T = Record<string, unknown>>(): Promise<D1ResultLike<T>>;
}

/** A D1 database binding: statements are prepared from it and run in atomic batches. */
export interface D1DatabaseLike {
  /**
   * Prepares a statement.
   *
   * @param query - one SQL statement with `?` parameters
   * @returns the statement
   */
  prepare(query: string): D1StatementLike;

  /**
   * Runs statements in order as one transaction: all of them, or none when any fails.
   *
   * @param statements - the statements
   * @returns one result per statement
   */
  batch<T = Record<string, unknown>>(statements: D1StatementLike[]): Promise<D1ResultLike<T>[]>;
}

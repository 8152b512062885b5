/**
 * Translates D1's errors into the library's, keeping D1's error as the cause. D1 errors are
 * plain `Error`s, so they are matched by patterns in their text, never by whole messages.
 *
 * @module
 */
import {
  DataError,
  OperationalError,
  ProgrammingError,
  RecordConflictError,
  type PersistenceError,
} from '../errors.js';

const CONFLICT = /UNIQUE constraint failed|SQLITE_CONSTRAINT_(?:UNIQUE|PRIMARYKEY)/i;
const NO_TABLE = /no such table/i;
const TOO_BIG = /SQLITE_TOOBIG|too big|too large/i;

/**
 * Returns the library's error for an error thrown by D1.
 *
 * @param error - what D1 threw
 * @param table - the table the statement used
 * @param action - what was being done, for the message ("insert", "select")
 * @param createsTables - whether the recorder creates its tables (`createTables`), for the
 *   advice on a missing table
 * @returns the error to throw, with `error` as its cause
 */
export function translateError(
  error: unknown,
  table: string,
  action: string,
  createsTables: boolean,
): PersistenceError {
  const text = error instanceof Error ? error.message : String(error);
  if (CONFLICT.test(text)) {
    return new RecordConflictError(
      `d1: an event's originator id and version is already recorded in ${table} (or appears twice ` +
        'in the batch); nothing of the batch was written',
      { cause: error },
    );
  }
  if (NO_TABLE.test(text)) {
    const advice = createsTables
      ? 'the recorder created it before its first use, so it was dropped since: a new recorder ' +
        'creates it again, or apply the schema from d1Schema(name) with wrangler'
      : 'apply the schema from d1Schema(name) with wrangler, or leave createTables on (the ' +
        'default) for the recorder to create it';
    return new ProgrammingError(`d1: table ${table} does not exist; ${advice}`, { cause: error });
  }
  if (TOO_BIG.test(text)) {
    return new DataError(`d1: ${action} on ${table} is over a D1 size limit: ${text}`, { cause: error });
  }
  return new OperationalError(`d1: ${action} on ${table} failed: ${text}`, { cause: error });
}

/**
 * Translation of native IndexedDB errors into the library's errors, by error name (messages
 * differ between engines).
 *
 * @module
 */
import { DataError, EventSourcingError, OperationalError } from '../errors.js';

/**
 * Returns the `name` of an error-like value, or undefined.
 *
 * @param error - any thrown value
 * @returns its name
 */
export function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Turns a native error into the library's: `QuotaExceededError` and aborts into
 * `OperationalError`, keys or values IndexedDB refuses into `DataError`; the native error is
 * the `cause`.
 * The library's own errors pass through unchanged. An `InvalidStateError` is not said to be a
 * closed connection here: only starting a transaction knows that (see {@link closedConnection}).
 *
 * @param error - the thrown value
 * @param what - what was being done, such as `'saving to "worlds"'`
 * @param written - whether to say that nothing was written (true for writes)
 * @returns the error to throw
 */
export function translateError(error: unknown, what: string, written = false): Error {
  if (error instanceof EventSourcingError) return error;
  const name = errorName(error) ?? 'Error';
  const nothing = written ? '; nothing was written' : '';
  switch (name) {
    case 'QuotaExceededError':
      return new OperationalError(
        `indexeddb: ${what} failed: the storage quota is exceeded${nothing}. Free space, or ask for more with navigator.storage.persist()`,
        { cause: error },
      );
    case 'DataError':
    case 'DataCloneError':
      return new DataError(
        `indexeddb: ${what} failed: ${written ? 'a value cannot be stored' : 'IndexedDB refused a key'} (${name})${nothing}`,
        { cause: error },
      );
    default:
      return new OperationalError(`indexeddb: ${what} failed (${name})${nothing}`, { cause: error });
  }
}

/**
 * Makes the error of work that found the connection closed: by `close()`, or twice in a row
 * by the browser.
 *
 * @param what - what was being done, such as `'starting a transaction in "worlds"'`
 * @param cause - the native error, if there is one
 * @returns the error to throw
 */
export function closedConnection(what: string, cause?: unknown): OperationalError {
  return new OperationalError(
    `indexeddb: ${what} failed: the connection is closed`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * The write path: one `readwrite` transaction per batch, with the conflict check left to the
 * store's unique key.
 *
 * @module
 */
import { unwrap } from 'idb';
import { OperationalError, RecordConflictError } from '../errors.js';
import type { StoredEvent } from '../persistence/records.js';
import type { StoreTransaction } from './connection.js';
import { errorName, translateError } from './errors.js';
import { EVENTS_STORE, NOTIFICATIONS_INDEX, type EventRecord, type StoreName } from './schema.js';

/**
 * Returns the key range of one application's notifications in the notifications index.
 *
 * @param applicationName - the application
 * @param start - the lowest id (inclusive)
 * @param stop - the highest id (inclusive)
 * @returns the range
 */
export function notificationRange(applicationName: string, start = -Infinity, stop = Infinity): IDBKeyRange {
  return IDBKeyRange.bound([applicationName, start], [applicationName, stop]);
}

/**
 * Adds records in a transaction and waits for it to commit. With `numbered`, the records get
 * the notification ids after the application's highest, read in the same transaction:
 * read-write transactions over a store run one at a time across every connection and tab, so
 * the ids are contiguous, and commit in order. Only IndexedDB requests are awaited.
 *
 * @param tx - a new read-write transaction over the records' store
 * @param storeName - that store
 * @param events - the stored events, for error messages
 * @param records - their records
 * @param numbered - whether to give notification ids
 * @param dbName - the database's name, for error messages
 * @returns the notification ids given (empty unless `numbered`)
 * @throws {@link RecordConflictError} when a key is taken (or repeated); nothing is written
 * @throws {@link OperationalError} or {@link DataError} when the transaction aborts otherwise
 * @throws {@link OperationalError} when a request threw but the transaction could not be
 *   aborted (it had already finished): some of the batch may be written
 */
export async function addRecords(
  tx: StoreTransaction<'readwrite'>,
  storeName: StoreName,
  events: readonly StoredEvent[],
  records: EventRecord[],
  numbered: boolean,
  dbName: string,
): Promise<number[]> {
  const raw = unwrap(tx);
  const committed = settled(raw);
  const ids: number[] = [];
  let failedAt = -1;
  let thrown: unknown;
  /** How many adds were made, before one threw. */
  let added = 0;
  try {
    if (numbered) {
      const app = (records[0] as EventRecord).application_name;
      const index = tx.objectStore(EVENTS_STORE).index(NOTIFICATIONS_INDEX);
      const last = await index.openKeyCursor(notificationRange(app), 'prev');
      let next = last === null ? 1 : last.key[1] + 1;
      for (const record of records) {
        record.notification_id = next;
        ids.push(next++);
      }
    }
    const store = raw.objectStore(storeName);
    for (let i = 0; i < records.length; i++) {
      const request = store.add(records[i]);
      added++;
      // The error event, left to run its course, aborts the whole transaction.
      request.onerror = () => {
        if (failedAt < 0) failedAt = i;
      };
    }
  } catch (error) {
    // A key or value refused synchronously: abort, or the earlier adds would commit.
    thrown = error;
    try {
      raw.abort();
    } catch {
      // Already finished or aborting.
    }
  }
  try {
    await committed;
  } catch (error) {
    throw writeError(thrown ?? error, events[failedAt], dbName);
  }
  // It committed although a request threw: the adds before it may be written.
  if (thrown !== undefined) throw unknownOutcome(thrown, dbName, added);
  return ids;
}

function unknownOutcome(error: unknown, dbName: string, added: number): OperationalError {
  return new OperationalError(
    `indexeddb: saving to "${dbName}" failed (${errorName(error) ?? 'Error'}) after the transaction had ` +
      'finished, so it could not be aborted: ' +
      (added === 0
        ? 'no event had been added, so nothing was written'
        : `${String(added)} of the batch's events had been added and may be written; the outcome is not known`),
    { cause: error },
  );
}

function settled(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.addEventListener('complete', () => {
      resolve();
    });
    tx.addEventListener('abort', () => {
      reject(tx.error ?? new DOMException('The transaction was aborted.', 'AbortError'));
    });
  });
}

function writeError(error: unknown, event: StoredEvent | undefined, dbName: string): Error {
  if (errorName(error) !== 'ConstraintError') return translateError(error, `saving to "${dbName}"`, true);
  const which =
    event === undefined
      ? 'an event of the batch'
      : `the event of ${event.originatorId} at version ${String(event.originatorVersion)}`;
  return new RecordConflictError(
    `indexeddb: ${which} is already recorded, or appears twice in the batch; nothing was written`,
    { cause: error },
  );
}

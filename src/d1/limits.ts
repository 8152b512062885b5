/**
 * D1's limits, checked before anything is sent, and the statement sizes that follow from them.
 *
 * @module
 */
import { DataError } from '../errors.js';
import type { StoredEvent } from '../persistence/records.js';

/** The most bound parameters D1 accepts in one statement. */
export const MAX_BOUND_PARAMETERS = 100;

/** The largest string, BLOB or row D1 stores, in bytes. */
export const MAX_ROW_BYTES = 2_000_000;

/** The rows one INSERT statement carries: four parameters each, within the parameter limit. */
export const ROWS_PER_INSERT = Math.floor(MAX_BOUND_PARAMETERS / 4);

// Memory, not D1, bounds how many bytes a Worker can move at once. workerd's D1 binding sends
// a BLOB as a JavaScript array of numbers (`Array.from`: about 9 to 10 bytes of V8 heap per
// byte, measured on 1.9 MB states) inside one JSON text of the whole batch (3.6 characters per
// byte), and reads one back the same way: the response's JSON text, then the parsed arrays
// (about 8 bytes per byte). With the bytes themselves and the body's encoded copy, that is
// about 18 bytes of memory per byte of state on a write and 16 on a read, against 128 MB per
// Worker.

/**
 * The most state bytes one save sends: 4,000,000, so that its peak in the Worker is about
 * 4 MB x 18 = 72 MB, leaving the rest of the 128 MB to the application's own copies of the
 * events. (8 MB would need about 144 MB.) It allows two events at D1's row limit.
 */
export const MAX_SAVE_BYTES = 4_000_000;

/**
 * The state bytes after which a read's page stops: a page returns the rows that start before
 * 2,000,000 bytes of state, so it holds under PAGE_BYTES + MAX_ROW_BYTES = 4 MB of state:
 * about 4 MB x 16 = 64 MB at the peak, and about 15 MB of JSON, under D1's 50 MB per result.
 */
export const PAGE_BYTES = 2_000_000;

/**
 * The most rows one SELECT asks for. Rows of a few hundred bytes fill a page by count, so an
 * aggregate of 10,000 events is 11 queries (D1 allows 50 per invocation on the free plan);
 * large rows fill it by {@link PAGE_BYTES} first.
 */
export const ROWS_PER_PAGE = 1_000;

// Room for the row header, the version and the column lengths.
const ROW_OVERHEAD_BYTES = 64;

const encoder = new TextEncoder();

/**
 * Checks that a save's states together are within {@link MAX_SAVE_BYTES}.
 *
 * @param events - the save's stored events
 * @param table - the table they go to, for the message
 * @throws {@link DataError} when their states add up to more
 */
export function checkSaveSize(events: readonly StoredEvent[], table: string): void {
  let bytes = 0;
  for (const event of events) bytes += event.state.byteLength;
  if (bytes <= MAX_SAVE_BYTES) return;
  throw new DataError(
    `d1: the ${String(events.length)} events of a save for ${table} hold ${String(bytes)} bytes of ` +
      `state, over the ${String(MAX_SAVE_BYTES)} bytes one save may send (D1's binding carries each ` +
      "byte as a number in JSON, and the Worker's memory is 128 MB); nothing was written " +
      '(compress the state, save fewer aggregates at once, or keep large data elsewhere and store a reference)',
  );
}

/**
 * Checks that a stored event fits in one D1 row.
 *
 * @param event - the stored event
 * @param table - the table it goes to, for the message
 * @throws {@link DataError} when the row would be over D1's 2,000,000-byte limit
 */
export function checkRowSize(event: StoredEvent, table: string): void {
  // Strings count at most three UTF-8 bytes per UTF-16 unit: measure exactly only when close.
  const roughText = (event.originatorId.length + event.topic.length) * 3;
  if (event.state.byteLength + roughText + ROW_OVERHEAD_BYTES <= MAX_ROW_BYTES) return;
  const size =
    event.state.byteLength +
    encoder.encode(event.originatorId).byteLength +
    encoder.encode(event.topic).byteLength +
    ROW_OVERHEAD_BYTES;
  if (size <= MAX_ROW_BYTES) return;
  throw new DataError(
    `d1: the event of ${event.originatorId} at version ${String(event.originatorVersion)} for ${table} ` +
      `is about ${String(size)} bytes, over D1's limit of ${String(MAX_ROW_BYTES)} bytes per row; ` +
      'nothing was written (compress the state, or keep large data elsewhere and store a reference)',
  );
}

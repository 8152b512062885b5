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

/**
 * The rows one SELECT asks for. D1 answers at most 50 MB per result, so a page of 1,000 rows
 * stays under it while stored events average under 50 KB.
 */
export const ROWS_PER_PAGE = 1_000;

// Room for the row header, the version and the column lengths.
const ROW_OVERHEAD_BYTES = 64;

const encoder = new TextEncoder();

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

/**
 * Cloudflare D1 persistence: `d1({ database: env.DB })` gives applications recorders that save
 * each batch of events in one atomic D1 `batch()`, within D1's limits; `d1Schema(name)` gives
 * the SQL for wrangler migrations. Imports nothing outside this library.
 *
 * @module
 */
export { D1Persistence, d1, type D1Options } from './persistence.js';
export { D1ApplicationRecorder } from './application-recorder.js';
export { D1AggregateRecorder } from './aggregate-recorder.js';
export type { D1RecorderOptions } from './table-recorder.js';
export { d1Schema, d1TableNames, type D1TableNames } from './schema.js';
export { MAX_ROW_BYTES, MAX_SAVE_BYTES } from './limits.js';
export type { D1DatabaseLike, D1ResultLike, D1StatementLike } from './database.js';

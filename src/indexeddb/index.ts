/**
 * The IndexedDB recorders, for browsers (and Node with `fake-indexeddb`): atomic saves, a
 * notification log per application, durable commits, and a `BroadcastChannel` message after
 * each save.
 *
 * @module
 */
export { IndexedDbAggregateRecorder, IndexedDbApplicationRecorder } from './recorders.js';
export { IndexedDbPersistence, indexedDb } from './persistence.js';
export type { IndexedDbOptions } from './options.js';
export type { NotificationBroadcast } from './connection.js';

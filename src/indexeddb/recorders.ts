/**
 * The IndexedDB recorders: events and notifications in one store, snapshots in another, each
 * application's records under its own name.
 *
 * @module
 */
import type { Notification, StoredEvent } from '../persistence/records.js';
import {
  checkEventSelection,
  checkSelection,
  checkStoredEvents,
  type AggregateRecorder,
  type ApplicationRecorder,
  type SelectEventsOptions,
  type SelectNotificationsOptions,
} from '../persistence/recorders.js';
import { IndexedDbConnection, type StoreTransaction } from './connection.js';
import { translateError } from './errors.js';
import { settingsOf, type IndexedDbOptions } from './options.js';
import { toNotification, toRecord, toStoredEvent } from './records.js';
import {
  EVENTS_STORE,
  NOTIFICATIONS_INDEX,
  SNAPSHOTS_STORE,
  type EventRecord,
  type StoreName,
} from './schema.js';
import { addRecords, notificationRange } from './write.js';

/**
 * Records an application's snapshots (or any events without a log) in IndexedDB. It opens its
 * own connection on first use; {@link IndexedDbAggregateRecorder.close} closes it, and a
 * later use opens it again.
 */
export class IndexedDbAggregateRecorder implements AggregateRecorder {
  /** The application whose records these are. */
  readonly applicationName: string;
  /** The recorder's connection. */
  protected readonly connection: IndexedDbConnection;
  /** The store it records in. */
  protected readonly storeName: StoreName;

  /**
   * Creates a recorder; nothing is opened until it is used.
   *
   * @param applicationName - the application's name, which keeps its records apart
   * @param options - the database name and other options
   * @param storeName - the store to record in (`'snapshots'` by default)
   * @throws TypeError when the name or an option is invalid
   */
  constructor(applicationName: string, options: IndexedDbOptions, storeName: StoreName = SNAPSHOTS_STORE) {
    if (typeof applicationName !== 'string' || applicationName === '') {
      throw new TypeError('indexeddb: the application name must be a non-empty string');
    }
    this.applicationName = applicationName;
    this.connection = new IndexedDbConnection(settingsOf(options));
    this.storeName = storeName;
  }

  /** The database's name. */
  get dbName(): string {
    return this.connection.settings.dbName;
  }

  async insertEvents(events: readonly StoredEvent[]): Promise<readonly number[]> {
    if (events.length > 0) await this.write(events, false);
    return [];
  }

  async selectEvents(originatorId: string, options: SelectEventsOptions = {}): Promise<StoredEvent[]> {
    checkEventSelection(options);
    const { gt, lte, desc = false, limit } = options;
    if (limit === 0 || (gt !== undefined && lte !== undefined && gt >= lte)) return [];
    const app = this.applicationName;
    const records = await this.read(async (tx) => {
      // Made in here, so a bound IndexedDB refuses is reported as a DataError.
      const range = IDBKeyRange.bound(
        [app, originatorId, gt ?? -Infinity],
        [app, originatorId, lte ?? Infinity],
        gt !== undefined,
      );
      const store = tx.objectStore(this.storeName);
      if (!desc) return store.getAll(range, countOf(limit));
      if (limit === undefined) return (await store.getAll(range)).reverse();
      return collect(await store.openCursor(range, 'prev'), limit, () => true);
    });
    return records.map(toStoredEvent);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  /**
   * Writes a batch in one read-write transaction.
   *
   * @param events - the batch (not empty)
   * @param numbered - whether to give notification ids
   * @returns the notification ids given
   * @throws {@link RecordConflictError} when a key is taken or repeated; nothing is written
   * @throws {@link DataError} when the batch is not stored events, or IndexedDB refuses a key
   *   or value; nothing is written
   * @throws {@link OperationalError} when the database fails or the connection was closed
   * @throws {@link ProgrammingError} or {@link NotSupportedError} from opening the database
   */
  protected async write(events: readonly StoredEvent[], numbered: boolean): Promise<number[]> {
    checkStoredEvents(events);
    const records = events.map((e) => toRecord(this.applicationName, e));
    return this.connection.run(this.storeName, 'readwrite', (tx) =>
      addRecords(tx, this.storeName, events, records, numbered, this.dbName),
    );
  }

  /**
   * Reads in a read-only transaction over the recorder's store.
   *
   * @param work - the reads
   * @returns what the reads return
   * @throws {@link OperationalError} when the database fails or the connection was closed
   * @throws {@link DataError} when IndexedDB refuses a key of the reads
   * @throws {@link ProgrammingError} or {@link NotSupportedError} from opening the database
   */
  protected async read<T>(work: (tx: StoreTransaction<'readonly'>) => Promise<T>): Promise<T> {
    try {
      return await this.connection.run(this.storeName, 'readonly', work);
    } catch (error) {
      throw translateError(error, `reading from "${this.dbName}"`);
    }
  }
}

/**
 * Records an application's events and its notification log in IndexedDB, and announces each
 * save on the `BroadcastChannel` named after the database.
 *
 * @example
 * ```ts
 * const recorder = new IndexedDbApplicationRecorder('Worlds', { dbName: 'worlds' });
 * const ids = await recorder.insertEvents(storedEvents);
 * const notifications = await recorder.selectNotifications(1, 10);
 * await recorder.close();
 * ```
 */
export class IndexedDbApplicationRecorder extends IndexedDbAggregateRecorder implements ApplicationRecorder {
  /**
   * Creates a recorder; nothing is opened until it is used.
   *
   * @param applicationName - the application's name, which keeps its log apart
   * @param options - the database name and other options
   * @throws TypeError when the name or an option is invalid
   */
  constructor(applicationName: string, options: IndexedDbOptions) {
    super(applicationName, options, EVENTS_STORE);
  }

  override async insertEvents(events: readonly StoredEvent[]): Promise<readonly number[]> {
    if (events.length === 0) return [];
    const notificationIds = await this.write(events, true);
    this.connection.broadcast({ applicationName: this.applicationName, notificationIds });
    return notificationIds;
  }

  async selectNotifications(
    start: number,
    limit: number,
    options: SelectNotificationsOptions = {},
  ): Promise<Notification[]> {
    const { stop, topics } = options;
    checkSelection(start, limit, stop);
    if (limit === 0 || (stop !== undefined && stop < start)) return [];
    const records = await this.read(async (tx) => {
      const range = notificationRange(this.applicationName, start, stop);
      const index = tx.objectStore(EVENTS_STORE).index(NOTIFICATIONS_INDEX);
      if (topics === undefined || topics.length === 0) return index.getAll(range, countOf(limit));
      // Topics filter before the limit, so walk the range until enough match.
      const wanted = new Set(topics);
      return collect(await index.openCursor(range), limit, (record) => wanted.has(record.topic));
    });
    return records.map(toNotification);
  }

  async maxNotificationId(): Promise<number> {
    return this.read(async (tx) => {
      const index = tx.objectStore(EVENTS_STORE).index(NOTIFICATIONS_INDEX);
      const last = await index.openKeyCursor(notificationRange(this.applicationName), 'prev');
      return last === null ? 0 : last.key[1];
    });
  }
}

/** The largest count `getAll` takes (its `count` is an unsigned 32-bit integer). */
const MAX_COUNT = 0xffff_ffff;

/**
 * Returns the `count` to pass `getAll` for a limit: none when the limit is more than it
 * takes, since a limit that large is no limit for any database that fits on a disk.
 *
 * @param limit - the limit, a non-negative integer, or undefined
 * @returns the count, or undefined for all
 */
function countOf(limit: number | undefined): number | undefined {
  return limit === undefined || limit > MAX_COUNT ? undefined : limit;
}

/** A cursor over event records: what the two walks below need of idb's cursors. */
interface RecordCursor {
  readonly value: EventRecord;
  continue(): Promise<RecordCursor | null>;
}

/**
 * Walks a cursor, keeping the records `keep` accepts, until `limit` are kept or it ends.
 *
 * @param cursor - the opened cursor, or null for an empty range
 * @param limit - the most records to keep
 * @param keep - whether to keep a record
 * @returns the kept records, in the cursor's order
 */
async function collect(
  cursor: RecordCursor | null,
  limit: number,
  keep: (record: EventRecord) => boolean,
): Promise<EventRecord[]> {
  const found: EventRecord[] = [];
  while (cursor !== null) {
    if (keep(cursor.value)) {
      found.push(cursor.value);
      if (found.length >= limit) break;
    }
    cursor = await cursor.continue();
  }
  return found;
}

/**
 * The D1 aggregate recorder: an application's snapshots, in its `<name>_snapshots` table.
 *
 * @module
 */
import type { StoredEvent } from '../persistence/records.js';
import type { AggregateRecorder } from '../persistence/recorders.js';
import type { D1DatabaseLike } from './database.js';
import { d1TableNames, snapshotTablesSql } from './schema.js';
import { D1TableRecorder, type D1RecorderOptions } from './table-recorder.js';

/**
 * Records an application's snapshots in D1, one row per snapshot, unique by originator id and
 * version; each insert is one atomic batch.
 */
export class D1AggregateRecorder extends D1TableRecorder implements AggregateRecorder {
  /**
   * Creates the recorder of an application's snapshots.
   *
   * @param database - the D1 database (a Worker's `env.DB`)
   * @param applicationName - the application's name: the table is `<name>_snapshots`
   * @param options - `createTables` (true by default)
   * @throws TypeError when the name cannot name a table
   */
  constructor(database: D1DatabaseLike, applicationName: string, options: D1RecorderOptions = {}) {
    const tables = d1TableNames(applicationName);
    super(
      database,
      tables.snapshots,
      options.createTables === false ? undefined : snapshotTablesSql(tables),
      '',
    );
  }

  /**
   * Records stored events atomically, in one D1 batch.
   *
   * @param events - the batch
   * @returns an empty list: this table keeps no notification log
   * @throws {@link RecordConflictError} when an originator id and version is taken, or appears
   *   twice in the batch; nothing is written
   * @throws {@link DataError} when an event is over D1's row limit, or the states together are
   *   over {@link MAX_SAVE_BYTES}, or the batch is not stored events; nothing is sent. Also
   *   when D1 refuses the batch as too big; nothing is written
   * @throws {@link ProgrammingError} when the table does not exist
   * @throws {@link OperationalError} when D1 fails otherwise: nothing is written, unless the
   *   failure was of the connection to D1 after it committed (a lost connection)
   */
  async insertEvents(events: readonly StoredEvent[]): Promise<readonly number[]> {
    if (events.length > 0) await this.insertRows(events);
    return [];
  }
}

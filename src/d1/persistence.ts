/**
 * The D1 persistence: the recorders of applications kept in one D1 database.
 *
 * @module
 */
import { keptRecorder, type Persistence } from '../persistence/persistence.js';
import { D1AggregateRecorder } from './aggregate-recorder.js';
import { D1ApplicationRecorder } from './application-recorder.js';
import type { D1DatabaseLike } from './database.js';

/** The options of {@link d1}. */
export interface D1Options {
  /** The D1 database: a Worker's binding, such as `env.DB`, or a session of it. */
  readonly database: D1DatabaseLike;
  /**
   * Creates each application's tables (`IF NOT EXISTS`) before first use; `true` by default.
   * Pass `false` when the schema from `d1Schema(name)` is applied by wrangler migrations: it
   * saves one batch per recorder.
   */
  readonly createTables?: boolean | undefined;
}

/**
 * Gives applications their recorders over one D1 database, each name its own `<name>_events`
 * and `<name>_snapshots` tables. SQLite compares table names without regard to case, so names
 * that differ only in case (`Worlds`, `worlds`) name the same tables and share one log.
 */
export class D1Persistence implements Persistence {
  readonly #options: D1Options;
  readonly #applications = new Map<string, D1ApplicationRecorder>();
  readonly #snapshots = new Map<string, D1AggregateRecorder>();

  /**
   * Creates the persistence.
   *
   * @param options - the database and `createTables`
   * @throws TypeError when `database` is not a D1 binding
   */
  constructor(options: D1Options) {
    const database = (options as Partial<D1Options> | undefined)?.database as
      Partial<D1DatabaseLike> | undefined;
    if (typeof database?.prepare !== 'function' || typeof database.batch !== 'function') {
      throw new TypeError(
        'd1: options.database must be a D1 database binding such as env.DB; check the ' +
          '[[d1_databases]] binding in wrangler.toml',
      );
    }
    this.#options = options;
  }

  applicationRecorder(applicationName: string): D1ApplicationRecorder {
    const { database, createTables } = this.#options;
    return keptRecorder(
      this.#applications,
      applicationName,
      () => new D1ApplicationRecorder(database, applicationName, { createTables }),
    );
  }

  snapshotRecorder(applicationName: string): D1AggregateRecorder {
    const { database, createTables } = this.#options;
    return keptRecorder(
      this.#snapshots,
      applicationName,
      () => new D1AggregateRecorder(database, applicationName, { createTables }),
    );
  }
}

/**
 * Creates the D1 persistence of applications, to pass as `persistence` in their config.
 *
 * @param options - `database` (a Worker's D1 binding) and `createTables` (true by default)
 * @returns the persistence
 * @throws TypeError when `database` is not a D1 binding
 * @example
 * ```ts
 * import { d1 } from 'eventsourcing/d1';
 *
 * export default {
 *   async fetch(request: Request, env: { DB: D1Database }): Promise<Response> {
 *     const app = new Worlds({ persistence: d1({ database: env.DB }) });
 *     const id = await app.createWorld();
 *     return Response.json({ id });
 *   },
 * };
 * ```
 */
export function d1(options: D1Options): D1Persistence {
  return new D1Persistence(options);
}

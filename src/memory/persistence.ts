/**
 * The in-memory persistence: the default of every application.
 *
 * @module
 */
import { keptRecorder, type Persistence } from '../persistence/persistence.js';
import { MemoryAggregateRecorder, MemoryApplicationRecorder } from './recorders.js';

/**
 * An in-memory store of any number of applications' recorders, kept apart by application name.
 * Two application objects given the same store see the same state.
 */
export class MemoryPersistence implements Persistence {
  readonly #applications = new Map<string, MemoryApplicationRecorder>();
  readonly #snapshots = new Map<string, MemoryAggregateRecorder>();

  applicationRecorder(applicationName: string): MemoryApplicationRecorder {
    return keptRecorder(this.#applications, applicationName, () => new MemoryApplicationRecorder());
  }

  snapshotRecorder(applicationName: string): MemoryAggregateRecorder {
    return keptRecorder(this.#snapshots, applicationName, () => new MemoryAggregateRecorder());
  }
}

/**
 * Creates an in-memory store for applications' events and snapshots.
 *
 * @returns the store, to pass as `persistence` to one or more applications
 * @example
 * ```ts
 * const store = memory();
 * const app = new Worlds({ persistence: store });
 * const again = new Worlds({ persistence: store }); // sees what app saved
 * ```
 */
export function memory(): MemoryPersistence {
  return new MemoryPersistence();
}

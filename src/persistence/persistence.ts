/**
 * The persistence configuration an application is given: a factory of its recorders.
 *
 * @module
 */
import type { AggregateRecorder, ApplicationRecorder } from './recorders.js';

/**
 * Makes the recorders of applications, keyed by application name so that two applications
 * kept in one store never share a log. `memory()`, `indexedDb(...)` and `d1(...)` return one.
 */
export interface Persistence {
  /**
   * Returns the recorder of an application's events and notification log.
   *
   * @param applicationName - the application's name
   * @returns the recorder; it may open its connection lazily, on first use
   */
  applicationRecorder(applicationName: string): ApplicationRecorder;

  /**
   * Returns the recorder of an application's snapshots.
   *
   * @param applicationName - the application's name
   * @returns the recorder; it may open its connection lazily, on first use
   */
  snapshotRecorder(applicationName: string): AggregateRecorder;
}

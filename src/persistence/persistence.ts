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

/**
 * Returns the recorder kept for an application name, making and keeping it on first use, so
 * that every application object of one name over one store shares its recorders.
 *
 * @param recorders - the recorders kept so far, by application name
 * @param applicationName - the application's name
 * @param make - makes the recorder the first time
 * @returns the recorder
 */
export function keptRecorder<R>(recorders: Map<string, R>, applicationName: string, make: () => R): R {
  let recorder = recorders.get(applicationName);
  if (recorder === undefined) {
    recorder = make();
    recorders.set(applicationName, recorder);
  }
  return recorder;
}

/**
 * Versions of event and aggregate classes, and the upcasts that bring stored state written by
 * an older version of a class up to its current one, as the original's `class_version` and
 * `upcast_vX_vY` methods do.
 *
 * @module
 */
import { TranscodingError } from '../errors.js';

/**
 * Changes decoded state written by one version of a class into the state of the next version,
 * in place: adds a field with a default, renames or converts one. It returns nothing (typed
 * `undefined`, so an upcast that returns new state, or is `async`, does not compile).
 *
 * @example
 * ```ts
 * // Version 2 of SomethingHappened added `where`.
 * const addWhere: Upcast = (state) => {
 *   state.where = 'unknown';
 * };
 * // ...and in the class: static readonly upcasts = [addWhere];
 * ```
 */
export type Upcast = (state: Record<string, unknown>) => undefined;

/** A class whose stored state may be upcast: an event class, or an aggregate class for snapshots. */
export interface Versioned {
  /** The stored topic of the class, for messages. */
  readonly topic: string;
  /**
   * The upcasts of the class, oldest first: `upcasts[0]` takes version 1 state to version 2,
   * and so on. The class's version is their number plus one; without them it is 1.
   */
  readonly upcasts?: readonly Upcast[] | undefined;
}

/**
 * The key under which stored state keeps the version of its class, when above 1: the
 * original's, which camelCase fields do not use. Reserved: an event or aggregate may not have a
 * field of this name.
 */
const CLASS_VERSION = 'class_version';

/**
 * Returns the current version of a class: its number of upcasts plus one.
 *
 * @param cls - an event or aggregate class
 * @returns the version, 1 for a class without upcasts
 */
export function classVersionOf(cls: Versioned): number {
  return (cls.upcasts?.length ?? 0) + 1;
}

/**
 * Marks state about to be stored with the version of its class, when above 1 (state of
 * version 1 carries no mark, as in the original, so unversioned classes store what they did).
 *
 * @param cls - the class of the event or aggregate
 * @param state - the fields to store, changed in place
 * @throws {@link TranscodingError} when the state has a field named `class_version` of its own
 */
export function markClassVersion(cls: Versioned, state: Record<string, unknown>): void {
  if (state[CLASS_VERSION] !== undefined) {
    throw new TranscodingError(
      `${cls.topic}: a field named '${CLASS_VERSION}' cannot be stored; the name is kept for the version of the class`,
    );
  }
  const version = classVersionOf(cls);
  if (version > 1) state[CLASS_VERSION] = version;
}

/**
 * Brings decoded stored state up to the current version of its class: removes the version
 * mark, then runs the upcasts from the stored version to the current one. State of a class
 * without upcasts, and with no mark, is left as it is at the cost of two lookups.
 *
 * @param cls - the class of the event or aggregate
 * @param state - the decoded state, changed in place
 * @throws {@link TranscodingError} when the stored version is not a positive integer, is
 *   above the class's (the state was written by a newer version of the application), or an
 *   upcast fails (its error is the cause)
 */
export function upcastState(cls: Versioned, state: Record<string, unknown>): void {
  const mark = state[CLASS_VERSION];
  let version = 1;
  if (mark !== undefined) {
    if (typeof mark !== 'number' || !Number.isSafeInteger(mark) || mark < 1) {
      throw new TranscodingError(
        `${cls.topic}: stored class version ${typeof mark === 'number' ? String(mark) : `of type ${typeof mark}`} is not a positive integer`,
      );
    }
    version = mark;
    delete state.class_version;
  }
  const current = classVersionOf(cls);
  if (version > current) {
    throw new TranscodingError(
      `${cls.topic}: stored state is of class version ${String(version)}, above this class's ${String(current)}: it was written by a newer version of the application`,
    );
  }
  for (; version < current; version++) {
    // Typed to return nothing, but a JavaScript caller's upcast may return anything.
    const upcast = (cls.upcasts as readonly Upcast[])[version - 1] as (
      state: Record<string, unknown>,
    ) => unknown;
    let result: unknown;
    try {
      result = upcast(state);
    } catch (error) {
      throw new TranscodingError(
        `${cls.topic}: the upcast from class version ${String(version)} to ${String(version + 1)} failed`,
        { cause: error },
      );
    }
    if (result !== undefined) {
      // Returned state (or a promise of it) would be lost: upcasts change the state in place.
      throw new TranscodingError(
        `${cls.topic}: the upcast from class version ${String(version)} to ${String(version + 1)} returned a value; an upcast changes the state it is given, in place, and returns nothing`,
      );
    }
  }
}

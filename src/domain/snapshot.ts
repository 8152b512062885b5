/**
 * Snapshots: the state of an aggregate at one version, stored apart from its events.
 *
 * @module
 */
import type { Aggregate, AggregateClass } from './aggregate.js';
import { copyData } from './copy.js';
import { TranscodingError } from '../errors.js';
import { DomainEvent, hidesMember, makeEvent } from './events.js';
import { markClassVersion, upcastState } from './upcasts.js';

/** Fields of an aggregate that a snapshot does not keep in its state: they are columns. */
const NOT_STATE = new Set(['id', 'version']);

/**
 * A snapshot of an aggregate. Its `topic` names the aggregate's class and its `state` holds
 * the aggregate's fields except id and version (which are the snapshot's originator fields).
 */
export class Snapshot extends DomainEvent {
  /** The stored topic of snapshots: the original library's, so stored data lines up. */
  static readonly topic = 'eventsourcing.domain:Snapshot';
  /** The topic of the aggregate's class. */
  declare readonly topic: string;
  /**
   * The aggregate's fields, except id and version, with `class_version` when the aggregate
   * class's version is above 1.
   */
  declare readonly state: Readonly<Record<string, unknown>>;

  /**
   * Takes a snapshot of an aggregate as it is now. Its state is a deep copy of its arrays,
   * plain objects, maps, sets, dates and bytes, so later changes to them never reach the
   * snapshot; instances of other classes (values with a custom transcoding, subclasses of
   * `Map`, `Set` and `Date` among them) are shared, so keep such values immutable.
   *
   * @param aggregate - the aggregate
   * @returns the snapshot
   * @throws {@link TranscodingError} when the aggregate has a field named `class_version`, or
   *   state nested deeper than 500 levels (or that holds itself)
   */
  static take(aggregate: Aggregate): Snapshot {
    return takeSnapshot(aggregate, true);
  }

  /**
   * Makes an aggregate from this snapshot: constructs it (so fields added to the class since
   * the snapshot get their initial values) and copies the state over, deeply (the snapshot's
   * own state stays as it was read, and can be restored again), upcast first when the snapshot
   * was taken of an older version of the class.
   *
   * @param aggregateClass - the class named by {@link Snapshot.topic}
   * @returns the aggregate at the snapshot's version
   * @throws {@link TranscodingError} when the state is of a newer version of the class, an
   *   upcast fails, or the state is not a plain object (a map, a date, bytes, null, an array) or
   *   has a field named as a method of the class (or `__proto__`)
   */
  restore<A extends Aggregate>(aggregateClass: AggregateClass<A>): A {
    return restoreSnapshot(this, aggregateClass, true);
  }
}

/**
 * Takes a snapshot (internal: not exported by the package). Without `copy`, the snapshot
 * shares nested state with the aggregate: only for a caller that owns the aggregate and
 * encodes the snapshot before anything changes it.
 *
 * @param aggregate - the aggregate
 * @param copy - whether to copy the state deeply
 * @returns the snapshot
 */
export function takeSnapshot(aggregate: Aggregate, copy: boolean): Snapshot {
  const state: Record<string, unknown> = {};
  for (const key of Object.keys(aggregate)) {
    if (NOT_STATE.has(key)) continue;
    const value = (aggregate as unknown as Record<string, unknown>)[key];
    state[key] = copy ? copyData(value, "an aggregate's state") : value;
  }
  const aggregateClass = aggregate.constructor as AggregateClass;
  markClassVersion(aggregateClass, state);
  return makeEvent(Snapshot, aggregate.id, aggregate.version, new Date(), {
    topic: aggregateClass.topic,
    state,
  });
}

/**
 * Makes an aggregate from a snapshot (internal: not exported by the package). Without `copy`,
 * the aggregate takes the snapshot's nested state as its own, and upcasts change it in place:
 * only for a snapshot decoded for this one use.
 *
 * @param snapshot - the snapshot
 * @param aggregateClass - the class named by its topic
 * @param copy - whether to copy the state deeply
 * @returns the aggregate at the snapshot's version
 * @throws {@link TranscodingError} as {@link Snapshot.restore} does
 */
export function restoreSnapshot<A extends Aggregate>(
  snapshot: Snapshot,
  aggregateClass: AggregateClass<A>,
  copy: boolean,
): A {
  const stored: unknown = snapshot.state;
  const what = `${aggregateClass.topic} snapshot ${snapshot.originatorId} v${String(snapshot.originatorVersion)}`;
  const proto: unknown =
    typeof stored === 'object' && stored !== null ? Object.getPrototypeOf(stored) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    // Stored by something else (null, an array, text, a custom type's value such as a map):
    // assigned, it would leave the aggregate's initial state at the snapshot's version, or give
    // it the fields of something else (a byte array's indexes).
    throw new TranscodingError(`${what} has no state object, so it restores no aggregate`);
  }
  // A copy of the top level at least: upcasts change the object they are given in place.
  const state = copy
    ? (copyData(stored, "a snapshot's state") as Record<string, unknown>)
    : { ...(stored as Record<string, unknown>) };
  upcastState(aggregateClass, state);
  const aggregate = new aggregateClass();
  for (const key in state) {
    // Assigned, such a field would hide a method of the aggregate's class, fail on an
    // accessor without a setter, or replace the aggregate's prototype.
    if (key === '__proto__' || (key in aggregate && hidesMember(aggregate, key))) {
      throw new TranscodingError(
        `${what} has a field '${key}', which names a method (or an accessor without a setter) of the aggregate's class, or would replace its prototype`,
      );
    }
  }
  Object.assign(aggregate, state);
  const target = aggregate as unknown as { id: string; version: number };
  target.id = snapshot.originatorId;
  target.version = snapshot.originatorVersion;
  return aggregate;
}

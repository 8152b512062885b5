/**
 * Snapshots: the state of an aggregate at one version, stored apart from its events.
 *
 * @module
 */
import type { Aggregate, AggregateClass } from './aggregate.js';
import { DomainEvent, makeEvent } from './events.js';
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
  /** The aggregate's fields, except id and version. */
  declare readonly state: Readonly<Record<string, unknown>>;

  /**
   * Takes a snapshot of an aggregate as it is now.
   *
   * @param aggregate - the aggregate
   * @returns the snapshot
   * @throws {@link TranscodingError} when the aggregate has a field named `class_version`
   */
  static take(aggregate: Aggregate): Snapshot {
    const state: Record<string, unknown> = {};
    for (const key of Object.keys(aggregate)) {
      if (!NOT_STATE.has(key)) state[key] = (aggregate as unknown as Record<string, unknown>)[key];
    }
    const aggregateClass = aggregate.constructor as AggregateClass;
    markClassVersion(aggregateClass, state);
    return makeEvent(Snapshot, aggregate.id, aggregate.version, new Date(), {
      topic: aggregateClass.topic,
      state,
    });
  }

  /**
   * Makes an aggregate from this snapshot: constructs it (so fields added to the class since
   * the snapshot get their initial values) and copies the state over, upcast first when the
   * snapshot was taken of an older version of the class.
   *
   * @param aggregateClass - the class named by {@link Snapshot.topic}
   * @returns the aggregate at the snapshot's version
   * @throws {@link TranscodingError} when the state is of a newer version of the class, or an
   *   upcast fails
   */
  restore<A extends Aggregate>(aggregateClass: AggregateClass<A>): A {
    // A copy: the snapshot's own state stays as it was read.
    const state = { ...this.state };
    upcastState(aggregateClass, state);
    const aggregate = new aggregateClass();
    Object.assign(aggregate, state);
    const target = aggregate as unknown as { id: string; version: number };
    target.id = this.originatorId;
    target.version = this.originatorVersion;
    return aggregate;
  }
}

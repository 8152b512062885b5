/**
 * The repository: gets aggregates by replaying their events, from a snapshot when there is one.
 *
 * @module
 */
import type { Aggregate } from '../domain/aggregate.js';
import { AggregateCreated, type AggregateEvent, type DomainEvent } from '../domain/events.js';
import { restoreSnapshot, type Snapshot } from '../domain/snapshot.js';
import type { Topics } from '../domain/topics.js';
import { AggregateNotFoundError, OriginatorVersionError } from '../errors.js';
import type { EventStore } from '../persistence/event-store.js';

/** Options of {@link Repository.get}. */
export interface GetOptions {
  /** The version wanted; a version above the last gives the last. */
  readonly version?: number | undefined;
  /** Stops the get before its next read once aborted, with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Reconstructs aggregates from the events in an event store, starting from the latest
 * snapshot at or below the wanted version when a snapshot store is given.
 */
export class Repository {
  /** The store of the aggregates' events. */
  readonly eventStore: EventStore<AggregateEvent>;
  /** The store of snapshots, when snapshotting is on. */
  readonly snapshotStore: EventStore<Snapshot> | undefined;
  readonly #topics: Topics;

  /**
   * Creates a repository.
   *
   * @param eventStore - the store of the aggregates' events
   * @param topics - the topic registry, to find aggregate classes
   * @param snapshotStore - the store of snapshots, if any
   */
  constructor(eventStore: EventStore<AggregateEvent>, topics: Topics, snapshotStore?: EventStore<Snapshot>) {
    this.eventStore = eventStore;
    this.snapshotStore = snapshotStore;
    this.#topics = topics;
  }

  /**
   * Gets an aggregate, as it is now or at a version.
   *
   * @param aggregateId - the aggregate's id
   * @param options - `version`: a positive integer; above the last version gives the last;
   *   `signal`: stops the get before its next read once aborted
   * @returns the aggregate (the type parameter is the caller's word for its class)
   * @throws {@link AggregateNotFoundError} when no event of the id is stored
   * @throws RangeError when `version` is not a positive integer
   * @throws the signal's reason when it is aborted before a read
   * @throws {@link OriginatorVersionError} when the stored events do not follow one another (a
   *   stream that does not start with a created event, a gap between stored versions)
   * @throws {@link TopicError} when a stored topic has no registered class
   * @throws {@link TranscodingError}, {@link CipherError} or {@link CompressorError} when stored
   *   state cannot be decoded
   * @example
   * ```ts
   * const world = await app.repository.get<World>(worldId, { version: 2 });
   * ```
   */
  async get<A extends Aggregate = Aggregate>(aggregateId: string, options: GetOptions = {}): Promise<A> {
    const { version, signal } = options;
    if (version !== undefined && (!Number.isInteger(version) || version < 1)) {
      throw new RangeError(`repository: version must be a positive integer, got ${String(version)}`);
    }
    let aggregate: Aggregate | undefined;
    if (this.snapshotStore !== undefined) {
      signal?.throwIfAborted();
      const [snapshot] = await this.snapshotStore.get(aggregateId, { desc: true, limit: 1, lte: version });
      // Decoded for this get alone: its state becomes the aggregate's without a copy.
      if (snapshot !== undefined) {
        aggregate = restoreSnapshot(snapshot, this.#topics.aggregateClass(snapshot.topic), false);
      }
    }
    signal?.throwIfAborted();
    const events = await this.eventStore.get(aggregateId, { gt: aggregate?.version, lte: version });
    for (const event of events) aggregate = this.#project(aggregate, event);
    if (aggregate === undefined) {
      throw new AggregateNotFoundError(`repository: aggregate ${aggregateId} not found`);
    }
    return aggregate as A;
  }

  /**
   * Tells whether an aggregate of the id has any stored event, as the original's `in
   * repository` does; nothing is decoded.
   *
   * @param aggregateId - the aggregate's id
   * @returns whether it exists
   * @example
   * ```ts
   * if (!(await app.repository.contains(worldId))) await app.save(World.create());
   * ```
   */
  async contains(aggregateId: string): Promise<boolean> {
    const [first] = await this.eventStore.recorder.selectEvents(aggregateId, { limit: 1 });
    return first !== undefined;
  }

  #project(aggregate: Aggregate | undefined, event: DomainEvent): Aggregate {
    if (aggregate === undefined) {
      if (isCreated(event)) return event.mutate(new (this.#topics.aggregateClass(event.originatorTopic))());
      throw new OriginatorVersionError(
        `repository: the events of ${event.originatorId} start at version ${String(event.originatorVersion)} with ${(event.constructor as { topic?: string }).topic ?? 'an event'} that is not a created event, and no snapshot comes before it`,
      );
    }
    return (event as AggregateEvent).mutate(aggregate);
  }
}

function isCreated(event: DomainEvent): event is AggregateCreated {
  return event instanceof AggregateCreated;
}

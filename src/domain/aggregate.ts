/**
 * The aggregate base class: state made only by applying its own domain events.
 *
 * @module
 */
import {
  checkPayload,
  makeEvent,
  type AggregateCreated,
  type AggregateEvent,
  type EventClass,
  type EventPayload,
} from './events.js';
import { newId } from './ids.js';
import type { Upcast } from './upcasts.js';

const PENDING = Symbol('pendingEvents');
const SAVING = Symbol('saving');

/** An event class whose events apply to aggregates of type `A`. */
type AppliesTo<A> = { readonly prototype: { apply(aggregate: A): void } };

/**
 * A class of aggregates: constructible with no arguments, with a stored topic and the list of
 * its event classes (registered with the application that lists the aggregate).
 */
export interface AggregateClass<A extends Aggregate = Aggregate> {
  /** Constructs an aggregate with its fields' initial values, before its created event is applied. */
  new (): A;
  /** The stored topic of the aggregate class, kept in created events and snapshots. */
  readonly topic: string;
  /** Every event class of the aggregate, so stored events of theirs can be read again. */
  readonly events: readonly EventClass[];
  /**
   * Upcasts of snapshots taken of older versions of the class, oldest first (see
   * {@link Upcast}); none by default (version 1).
   */
  readonly upcasts?: readonly Upcast[] | undefined;
}

/**
 * An event-sourced aggregate. Subclasses give themselves a static `topic` and `events`, start
 * their fields with initialisers, create themselves with {@link Aggregate.createAggregate}, and
 * change only through {@link Aggregate.triggerEvent}.
 *
 * @example
 * ```ts
 * class World extends Aggregate {
 *   static readonly topic = 'World';
 *   static readonly events = [WorldCreated, SomethingHappened];
 *   history: string[] = [];
 *
 *   static create(): World {
 *     return this.createAggregate(WorldCreated, {});
 *   }
 *   makeItSo(what: string): void {
 *     this.triggerEvent(SomethingHappened, { what });
 *   }
 * }
 * ```
 */
export abstract class Aggregate {
  /** The aggregate's id. */
  readonly id: string = '';
  /** The version of the aggregate: the version of the last event applied to it. */
  readonly version: number = 0;
  /** The timestamp of the created event (a copy: changing it in place changes no event). */
  declare readonly createdOn: Date;
  /** The timestamp of the last event applied (a copy, as `createdOn` is). */
  declare readonly modifiedOn: Date;
  /** Events triggered but not yet collected (a symbol key: never part of a snapshot). */
  private [PENDING]: AggregateEvent[] = [];
  /** The last save of its events not yet stored or refused (a symbol key: never in a snapshot). */
  private [SAVING]: SaveInProgress | undefined = undefined;

  /**
   * Creates an aggregate of the class it is called on, by making its created event and
   * applying it; the event waits among the pending events to be saved.
   *
   * @param eventClass - the created event class
   * @param payload - the created event's fields
   * @param options - `id` to give (a uuid v4 by default)
   * @returns the new aggregate, at version 1
   * @throws TypeError when the payload has a field named as a base field of the event or a
   *   member of its class (`timestamp`, `originatorTopic`, `apply`, ...), or as a base field or
   *   method of the aggregate (`id`, `version`, a method, an accessor without a setter): no
   *   aggregate is made
   */
  protected static createAggregate<A extends Aggregate, E extends AggregateCreated<A>>(
    this: AggregateClass<A>,
    eventClass: EventClass<E>,
    payload: EventPayload<E>,
    options?: { readonly id?: string },
  ): A {
    checkPayload(eventClass, payload);
    const event = makeEvent(eventClass, options?.id ?? newId(), 1, new Date(), {
      originatorTopic: this.topic,
      ...payload,
    });
    const aggregate = event.mutate(new this());
    aggregate[PENDING].push(event);
    return aggregate;
  }

  /**
   * Makes the next event of the aggregate, applies it at once, and keeps it to be saved.
   *
   * @param eventClass - the event class
   * @param payload - the event's fields, checked by the compiler
   * @returns the new event
   * @throws TypeError when the payload has a field named as a base field of the event or a
   *   member of its class (`timestamp`, `apply`, ...): no event is made, the aggregate is unchanged
   */
  protected triggerEvent<E extends AggregateEvent>(
    eventClass: EventClass<E> & AppliesTo<this>,
    payload: EventPayload<E>,
  ): E {
    checkPayload(eventClass, payload);
    const event = makeEvent(eventClass, this.id, this.version + 1, new Date(), payload);
    event.mutate(this);
    this[PENDING].push(event);
    return event;
  }

  /**
   * Drains and returns the events triggered since the last collection.
   *
   * @returns the pending events, oldest first
   */
  collectEvents(): AggregateEvent[] {
    const events = this[PENDING];
    this[PENDING] = [];
    return events;
  }
}

/**
 * Puts events back among an aggregate's pending events, after a save of them failed, so the
 * aggregate's state and its pending events agree again (internal: not exported by the
 * package). They go in order of version: in front of events triggered since, and behind those
 * of an earlier save that failed first.
 *
 * @param aggregate - the aggregate the events were collected from
 * @param events - the events, as {@link Aggregate.collectEvents} returned them
 */
export function restorePendingEvents(aggregate: Aggregate, events: readonly AggregateEvent[]): void {
  if (events.length === 0) return;
  const target = aggregate as unknown as { [PENDING]: AggregateEvent[] };
  target[PENDING] = [...events, ...target[PENDING]].sort((x, y) => x.originatorVersion - y.originatorVersion);
}

/** The view of an aggregate's save in progress, used only by {@link SaveInProgress}. */
type Saving = { [SAVING]: SaveInProgress | undefined };

/** An aggregate with a save in progress that a new save of it must wait for. */
export interface EarlierSave {
  /** The aggregate. */
  readonly aggregate: Aggregate;
  /** Its save in progress. */
  readonly save: SaveInProgress;
}

/**
 * A save of aggregates' collected events, from collection until its events are recorded and
 * its automatic snapshots taken, or it has failed (internal: not exported by the package). A
 * later save of one of the same aggregate objects waits for it, so each aggregate's events are
 * stored in the order they were triggered, and none is stored once an earlier one of them was
 * refused.
 */
export class SaveInProgress {
  #ended = false;
  #failed = false;
  #error: unknown = undefined;
  #waiting: Promise<void> | undefined = undefined;
  #wake: (() => void) | undefined = undefined;

  /**
   * Marks the aggregates that gave events as being saved by this save.
   *
   * @param aggregates - the aggregates of the save
   * @param collected - the events collected from each
   * @returns each aggregate's earlier save still in progress, or undefined when there is none
   */
  begin(
    aggregates: readonly Aggregate[],
    collected: readonly (readonly AggregateEvent[])[],
  ): EarlierSave[] | undefined {
    let earlier: EarlierSave[] | undefined;
    for (let i = 0; i < aggregates.length; i++) {
      if ((collected[i] as readonly AggregateEvent[]).length === 0) continue;
      const aggregate = aggregates[i] as Aggregate;
      const save = (aggregate as unknown as Saving)[SAVING];
      if (save !== undefined && save !== this) (earlier ??= []).push({ aggregate, save });
      (aggregate as unknown as Saving)[SAVING] = this;
    }
    return earlier;
  }

  /**
   * Ends the save: its aggregates are no longer being saved by it, and saves waiting for it go on.
   *
   * @param aggregates - the aggregates of the save
   * @param failed - whether it failed
   * @param error - its error, when it failed
   */
  end(aggregates: readonly Aggregate[], failed: boolean, error?: unknown): void {
    this.#ended = true;
    this.#failed = failed;
    this.#error = error;
    for (let i = 0; i < aggregates.length; i++) {
      const aggregate = aggregates[i] as unknown as Saving;
      if (aggregate[SAVING] === this) aggregate[SAVING] = undefined;
    }
    this.#wake?.();
  }

  /**
   * Waits for the save to end.
   *
   * @returns whether it failed, and its error when it did
   */
  async outcome(): Promise<{ readonly failed: boolean; readonly error: unknown }> {
    if (!this.#ended) {
      await (this.#waiting ??= new Promise<void>((resolve) => {
        this.#wake = resolve;
      }));
    }
    return { failed: this.#failed, error: this.#error };
  }
}

/**
 * The aggregate base class: state made only by applying its own domain events.
 *
 * @module
 */
import {
  makeEvent,
  type AggregateCreated,
  type AggregateEvent,
  type EventClass,
  type EventPayload,
} from './events.js';
import { newId } from './ids.js';
import type { Upcast } from './upcasts.js';

const PENDING = Symbol('pendingEvents');

/** An event class whose events apply to aggregates of type `A`. */
type AppliesTo<A> = { readonly prototype: { apply(aggregate: A): void } };

/**
 * A class of aggregates: constructible with no arguments, with a stored topic and the list of
 * its event classes (registered with the application that lists the aggregate).
 */
export interface AggregateClass<A extends Aggregate = Aggregate> {
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
  /** The timestamp of the created event. */
  declare readonly createdOn: Date;
  /** The timestamp of the last event applied. */
  declare readonly modifiedOn: Date;
  /** Events triggered but not yet collected (a symbol key: never part of a snapshot). */
  private [PENDING]: AggregateEvent[] = [];

  /**
   * Creates an aggregate of the class it is called on, by making its created event and
   * applying it; the event waits among the pending events to be saved.
   *
   * @param eventClass - the created event class
   * @param payload - the created event's fields
   * @param options - `id` to give (a uuid v4 by default)
   * @returns the new aggregate, at version 1
   */
  protected static createAggregate<A extends Aggregate, E extends AggregateCreated<A>>(
    this: AggregateClass<A>,
    eventClass: EventClass<E>,
    payload: EventPayload<E>,
    options?: { readonly id?: string },
  ): A {
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
   */
  protected triggerEvent<E extends AggregateEvent>(
    eventClass: EventClass<E> & AppliesTo<this>,
    payload: EventPayload<E>,
  ): E {
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
 * Puts events back in front of an aggregate's pending events, after a save of them failed, so
 * the aggregate's state and its pending events agree again (internal: not exported by the
 * package).
 *
 * @param aggregate - the aggregate the events were collected from
 * @param events - the events, as {@link Aggregate.collectEvents} returned them
 */
export function restorePendingEvents(aggregate: Aggregate, events: readonly AggregateEvent[]): void {
  if (events.length === 0) return;
  const target = aggregate as unknown as { [PENDING]: AggregateEvent[] };
  target[PENDING] = [...events, ...target[PENDING]];
}

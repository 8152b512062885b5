/**
 * The topic registry: explicit stored topic strings mapped to classes, both ways.
 *
 * @module
 */
import { TopicError } from '../errors.js';
import type { AggregateClass } from './aggregate.js';
import type { DomainEvent, EventClass } from './events.js';
import { Snapshot } from './snapshot.js';

/**
 * Maps stored topics to event and aggregate classes and back. Topics come from each class's
 * own static `topic`, never from `constructor.name` (minifiers rename classes), and a stored
 * topic never chooses code by dynamic import: only registered classes are ever found.
 */
export class Topics {
  readonly #events = new Map<string, EventClass>();
  readonly #topics = new Map<object, string>();
  readonly #aggregates = new Map<string, AggregateClass>();

  /** Creates a registry that knows the built-in {@link Snapshot} class. */
  constructor() {
    this.registerEvent(Snapshot);
  }

  /**
   * Registers an aggregate class and each of its event classes, or, when any of them cannot
   * be registered, none of them.
   *
   * @param aggregateClass - the class, with its own static `topic` and `events`
   * @throws {@link TopicError} when a topic is missing or already taken by another class, or
   *   the class has no static `events` list, or the list holds what is not a class (an event
   *   class not yet defined when the list was made, in an import cycle)
   */
  registerAggregate(aggregateClass: AggregateClass): void {
    const topic = ownTopic(aggregateClass, 'aggregate');
    const known = this.#aggregates.get(topic);
    if (known !== undefined && known !== aggregateClass) {
      throw new TopicError(`topic '${topic}' is already registered to another aggregate class`);
    }
    // Checked at run time too: the class may come from plain JavaScript.
    const events: unknown = aggregateClass.events;
    const name = aggregateClass.name || '(anonymous)';
    if (!Array.isArray(events)) {
      throw new TopicError(`aggregate class ${name} needs a static events list of its event classes`);
    }
    // Every event class is checked, against the others in the list too, before anything is
    // registered.
    const listed = new Map<string, EventClass>();
    (events as unknown[]).forEach((entry, i) => {
      if (typeof entry !== 'function') {
        throw new TopicError(
          `aggregate class ${name} lists ${entry === null ? 'null' : typeof entry} at events[${String(i)}], not an event class (was the class not yet defined when the list was made, in an import cycle?)`,
        );
      }
      const eventClass = entry as unknown as EventClass;
      const eventTopic = this.#eventTopic(eventClass);
      const other = listed.get(eventTopic);
      if (other !== undefined && other !== eventClass) {
        throw new TopicError(`topic '${eventTopic}' is already registered to another event class`);
      }
      listed.set(eventTopic, eventClass);
    });
    this.#aggregates.set(topic, aggregateClass);
    for (const [eventTopic, eventClass] of listed) this.#setEvent(eventClass, eventTopic);
  }

  /**
   * Registers an event class.
   *
   * @param eventClass - the class, with its own static `topic`
   * @throws {@link TopicError} when the topic is missing or already taken by another class
   */
  registerEvent(eventClass: EventClass): void {
    this.#setEvent(eventClass, this.#eventTopic(eventClass));
  }

  /** Returns an event class's topic, unless another event class has it. */
  #eventTopic(eventClass: EventClass): string {
    const topic = ownTopic(eventClass, 'event');
    const known = this.#events.get(topic);
    if (known !== undefined && known !== eventClass) {
      throw new TopicError(`topic '${topic}' is already registered to another event class`);
    }
    return topic;
  }

  #setEvent(eventClass: EventClass, topic: string): void {
    this.#events.set(topic, eventClass);
    this.#topics.set(eventClass, topic);
  }

  /**
   * Returns the stored topic of an event's class.
   *
   * @param event - a domain event
   * @returns its class's topic
   * @throws {@link TopicError} when the class is not registered
   */
  topicOf(event: DomainEvent): string {
    const topic = this.#topics.get(event.constructor);
    if (topic === undefined) {
      throw new TopicError(
        `event class ${event.constructor.name} is not registered: list it in its aggregate's static events, and the aggregate in the application's static aggregates`,
      );
    }
    return topic;
  }

  /**
   * Returns the event class registered for a stored topic.
   *
   * @param topic - a stored topic
   * @returns the class
   * @throws {@link TopicError} naming the topic when no class is registered for it
   */
  eventClass(topic: string): EventClass {
    const eventClass = this.#events.get(topic);
    if (eventClass === undefined) {
      throw new TopicError(`no event class is registered for topic '${topic}'`);
    }
    return eventClass;
  }

  /**
   * Tells whether a class is the aggregate class registered for its topic: false for a class
   * never registered, and for a subclass that inherited a registered class's topic.
   *
   * @param aggregateClass - the class
   * @returns whether it is registered
   */
  hasAggregateClass(aggregateClass: AggregateClass): boolean {
    return this.#aggregates.get(aggregateClass.topic) === aggregateClass;
  }

  /**
   * Returns the aggregate class registered for a topic.
   *
   * @param topic - an aggregate topic, as kept in created events and snapshots
   * @returns the class
   * @throws {@link TopicError} naming the topic when no class is registered for it
   */
  aggregateClass(topic: string): AggregateClass {
    const aggregateClass = this.#aggregates.get(topic);
    if (aggregateClass === undefined) {
      throw new TopicError(`no aggregate class is registered for topic '${topic}'`);
    }
    return aggregateClass;
  }
}

function ownTopic(cls: object, kind: string): string {
  const topic: unknown = Object.getOwnPropertyDescriptor(cls, 'topic')?.value;
  if (typeof topic !== 'string' || topic === '') {
    const name = (cls as { name?: string }).name ?? '(anonymous)';
    throw new TopicError(`${kind} class ${name} needs its own static topic string`);
  }
  return topic;
}

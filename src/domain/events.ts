/**
 * Domain events: immutable records of what happened to an aggregate.
 *
 * @module
 */
import { OriginatorIdError, OriginatorVersionError, TranscodingError } from '../errors.js';
import type { Aggregate } from './aggregate.js';
import { copyData } from './copy.js';
import type { Upcast } from './upcasts.js';

/** A domain event: what happened, to which originator, at which version, when. */
export class DomainEvent {
  /** The id of the aggregate (or other originator) the event belongs to. */
  declare readonly originatorId: string;
  /** The version of the originator that this event makes: 1 for the first event. */
  declare readonly originatorVersion: number;
  /** When the event happened (UTC). */
  declare readonly timestamp: Date;
}

/**
 * A class of domain events with its stored topic. The topic is an explicit string, written in
 * every stored event and used to find the class again when the event is read.
 *
 * @example
 * ```ts
 * class SomethingHappened extends AggregateEvent<World> {
 *   static readonly topic = 'World.SomethingHappened';
 *   declare readonly what: string;
 *   override apply(world: World): void {
 *     world.history.push(this.what);
 *   }
 * }
 * ```
 */
export interface EventClass<E extends DomainEvent = DomainEvent> {
  /** The stored topic of the class's events. */
  readonly topic: string;
  /**
   * Upcasts of stored events written by older versions of the class, oldest first (see
   * {@link Upcast}); none by default (version 1).
   */
  readonly upcasts?: readonly Upcast[] | undefined;
  /** The prototype given to every event of the class. */
  readonly prototype: E;
}

/** The keys of {@link AggregateCreated} (and so of every base event) that are not payload. */
type BaseKeys = keyof AggregateCreated;

/**
 * The payload of an event class: the fields a subclass declares, without the base fields
 * (`originatorId`, `originatorVersion`, `timestamp`, `originatorTopic`) and methods.
 */
export type EventPayload<E> = {
  readonly [
    K in keyof E as K extends BaseKeys ? never : E[K] extends (...args: never[]) => unknown ? never : K
  ]: E[K];
};

/**
 * Makes a frozen event of a class without running a constructor, as events are also rebuilt
 * from stored state. The base fields come first, so every event of a class has one shape.
 *
 * @param eventClass - the class of the event
 * @param originatorId - the aggregate's id
 * @param originatorVersion - the version the event makes
 * @param timestamp - when it happened
 * @param payload - the other fields
 * @returns the frozen event
 * @throws {@link TranscodingError} when the payload has an own `__proto__` key, or a field
 *   named as one of {@link reservedFields} (state stored by something else)
 */
export function makeEvent<E extends DomainEvent>(
  eventClass: EventClass<E>,
  originatorId: string,
  originatorVersion: number,
  timestamp: Date,
  payload: object,
): E {
  const event = Object.create(eventClass.prototype) as Record<string, unknown>;
  event.originatorId = originatorId;
  event.originatorVersion = originatorVersion;
  event.timestamp = timestamp;
  const names = reservedFields(eventClass);
  for (const key in payload) {
    // The originator's id and version may be repeated (a copy of an event), not contradicted.
    if (
      names.has(key) &&
      !(
        (key === 'originatorId' || key === 'originatorVersion') &&
        (payload as Record<string, unknown>)[key] === event[key]
      )
    ) {
      throw new TranscodingError(
        `${eventClass.topic} event ${originatorId} v${String(originatorVersion)} has a field '${key}', which the event sets itself or its class has as a member`,
      );
    }
    // Assigned, an own `__proto__` key (from JSON.parse) would replace the event's prototype.
    if (key === '__proto__') {
      throw new TranscodingError(
        `${eventClass.topic}: an event's payload has a '__proto__' key, which would replace the event's prototype; it is neither written nor read`,
      );
    }
    event[key] = (payload as Record<string, unknown>)[key];
  }
  return Object.freeze(event) as unknown as E;
}

/** The names each event class's own fields may not have, worked out once per class. */
const reserved = new WeakMap<object, ReadonlySet<string>>();

/**
 * Returns the names a field of an event's payload or stored state may not have, as it would
 * replace what the event has of its own: its originator id and version (which come from the
 * aggregate, or a stored event's columns), and the members of its class's prototype chain
 * (`apply`, `mutate`, `constructor`, a method of the class, `toString`), which an own field of
 * that name would hide. (`__proto__` is not among them: {@link makeEvent} refuses it.)
 *
 * @param eventClass - the event's class
 * @returns the names
 */
export function reservedFields(eventClass: EventClass): ReadonlySet<string> {
  let names = reserved.get(eventClass);
  if (names === undefined) {
    const found = new Set(['originatorId', 'originatorVersion']);
    for (
      let proto: object | null = eventClass.prototype;
      proto !== null;
      proto = Object.getPrototypeOf(proto) as object | null
    ) {
      for (const name of Object.getOwnPropertyNames(proto)) if (name !== '__proto__') found.add(name);
    }
    names = found;
    reserved.set(eventClass, names);
  }
  return names;
}

/**
 * Checks the payload of an event an aggregate is making (`createAggregate`, `triggerEvent`):
 * the compiler keeps the base fields and methods out of a payload written in code, but not out
 * of one parsed from outside data, whose `timestamp` would otherwise be stored in place of the
 * event's, its `originatorTopic` replay another class, or its `constructor` make every save
 * fail. (The original refuses such a keyword argument too.)
 *
 * @param eventClass - the event's class
 * @param payload - the payload
 * @throws TypeError naming the field when the payload has `originatorId`, `originatorVersion`,
 *   `timestamp`, `originatorTopic` (in a created event), or the name of a member of the
 *   class's prototype
 */
export function checkPayload(eventClass: EventClass, payload: object): void {
  const names = reservedFields(eventClass);
  const created = eventClass.prototype instanceof AggregateCreated;
  for (const key in payload) {
    if ((created ? isCreatedBaseKey(key) : key === 'timestamp') || names.has(key)) {
      throw new TypeError(
        `${eventClass.topic}: an event's payload cannot have a field named '${key}', which ${key in eventClass.prototype ? "names a member of the event's class" : 'the event sets itself'} (the base fields are originatorId, originatorVersion, timestamp and originatorTopic); no event was made`,
      );
    }
  }
}

/** The setter view of an aggregate's base fields, used only by events that mutate it. */
type Mutable = { -readonly [K in 'id' | 'version' | 'createdOn' | 'modifiedOn']: Aggregate[K] };

/**
 * An event of an aggregate after its creation. Subclasses declare their payload fields with
 * `declare readonly` and override {@link AggregateEvent.apply}.
 */
export class AggregateEvent<A extends Aggregate = Aggregate> extends DomainEvent {
  /**
   * Changes the aggregate as the event says. The default does nothing.
   *
   * @param aggregate - the aggregate to change
   */
  apply(aggregate: A): void {
    // Nothing by default: events that change state override this.
  }

  /**
   * Checks that the event follows the aggregate's state, applies it, and only then moves the
   * aggregate's version and `modifiedOn`, so an `apply` that throws leaves the version as it was.
   *
   * @param aggregate - the aggregate the event belongs to
   * @returns the same aggregate
   * @throws {@link OriginatorIdError} when the ids differ
   * @throws {@link OriginatorVersionError} when the event's version is not the aggregate's plus one
   */
  mutate(aggregate: A): A {
    if (this.originatorId !== aggregate.id) {
      throw new OriginatorIdError(
        `event ${this.originatorId} v${String(this.originatorVersion)} cannot be applied to aggregate ${aggregate.id}`,
      );
    }
    if (this.originatorVersion !== aggregate.version + 1) {
      throw new OriginatorVersionError(
        `event v${String(this.originatorVersion)} cannot follow aggregate ${aggregate.id} at v${String(aggregate.version)}`,
      );
    }
    this.apply(aggregate);
    const target = aggregate as unknown as Mutable;
    target.version = this.originatorVersion;
    // A copy: a Date changes in place, and the aggregate's must not change the event's.
    target.modifiedOn = new Date(this.timestamp.getTime());
    return aggregate;
  }
}

/**
 * The first event of an aggregate. It records the aggregate's topic, and its default
 * {@link AggregateCreated.apply} copies its payload fields onto the new aggregate, as the
 * original passes the created event's fields to the aggregate's initialiser.
 */
export class AggregateCreated<A extends Aggregate = Aggregate> extends AggregateEvent<A> {
  /** The topic of the aggregate's class, used to construct it again. */
  declare readonly originatorTopic: string;

  /**
   * Copies the payload fields onto the new aggregate: arrays, plain objects, maps, sets, dates
   * and bytes as copies, so later events that change the aggregate's state never change this
   * event's payload (which is encoded only when it is saved, and again when it is replayed);
   * instances of other classes (subclasses of `Map`, `Set` and `Date` among them) are shared.
   * A field whose value is `undefined` is not copied: it is not stored either, so the
   * aggregate's initial value stands, live as after a replay.
   *
   * @param aggregate - the new aggregate
   * @throws TypeError when a payload field is named `id`, `version`, `createdOn` or
   *   `modifiedOn`: copied, it would replace what the created event sets (the original's
   *   initialiser refuses such an argument too); or as a method of the aggregate's class
   *   (`constructor` included), which it would hide, or an accessor without a setter
   */
  override apply(aggregate: A): void {
    const target = aggregate as unknown as Record<string, unknown>;
    const source = this as unknown as Record<string, unknown>;
    for (const key in this) {
      if (isCreatedBaseKey(key)) continue;
      if (isAggregateBaseKey(key)) {
        throw new TypeError(
          `${(this.constructor as unknown as EventClass).topic}: a created event's payload field cannot be named '${key}', which the aggregate keeps for itself (the base fields are id, version, createdOn and modifiedOn)`,
        );
      }
      // Copied, it would hide a method of the aggregate's class (an accessor with a setter
      // takes the value).
      if (key in aggregate && hidesMember(aggregate, key)) {
        throw new TypeError(
          `${(this.constructor as unknown as EventClass).topic}: a created event's payload field cannot be named '${key}', which names a method (or an accessor without a setter) of the aggregate's class`,
        );
      }
      const value = source[key];
      // Left out of stored state (JSON has no undefined): replayed, the field keeps its
      // initial value, so it does here too.
      if (value !== undefined) target[key] = copyData(value, "a created event's payload");
    }
  }

  /**
   * Starts the aggregate's state from this event: id, version 1 (or the event's), and both
   * timestamps, then applies the payload.
   *
   * @param aggregate - a freshly constructed aggregate
   * @returns the same aggregate
   * @throws {@link OriginatorVersionError} when the aggregate has events already: a created
   *   event triggered on a live aggregate, or stored after its first event
   */
  override mutate(aggregate: A): A {
    if (aggregate.version !== 0) {
      throw new OriginatorVersionError(
        `a created event (v${String(this.originatorVersion)}) only starts a new aggregate; ${aggregate.id} is at v${String(aggregate.version)}`,
      );
    }
    const target = aggregate as unknown as Mutable;
    target.id = this.originatorId;
    // Copies, each its own: a Date changes in place, and the aggregate's must not change the
    // event's timestamp (stored when the event is saved) or each other.
    target.createdOn = new Date(this.timestamp.getTime());
    target.modifiedOn = new Date(this.timestamp.getTime());
    this.apply(aggregate);
    target.version = this.originatorVersion;
    return aggregate;
  }
}

/**
 * Tells whether setting a field would hide (or fail on) a member of an object's class: a method
 * or an accessor without a setter found on its prototype chain, not a field of its own
 * (internal: not exported by the package).
 *
 * @param target - the object
 * @param key - the field's name
 * @returns true when the name is taken by such a member
 */
export function hidesMember(target: object, key: string): boolean {
  if (Object.prototype.hasOwnProperty.call(target, key)) return false;
  for (let proto = Object.getPrototypeOf(target) as object | null; proto !== null;) {
    const member = Object.getOwnPropertyDescriptor(proto, key);
    if (member !== undefined) {
      return 'value' in member ? typeof member.value === 'function' : member.set === undefined;
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return false;
}

/** Tells whether a key is one of a created event's own base fields. */
function isCreatedBaseKey(key: string): boolean {
  return (
    key === 'originatorId' || key === 'originatorVersion' || key === 'timestamp' || key === 'originatorTopic'
  );
}

/** Tells whether a key is one of the aggregate's base fields, which a created event sets and its payload must not. */
function isAggregateBaseKey(key: string): boolean {
  return key === 'id' || key === 'version' || key === 'createdOn' || key === 'modifiedOn';
}

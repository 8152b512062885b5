/**
 * The mapper: domain events to stored events and back.
 *
 * @module
 */
import { makeEvent, type DomainEvent, type EventClass } from '../domain/events.js';
import { markClassVersion, upcastState } from '../domain/upcasts.js';
import type { Topics } from '../domain/topics.js';
import { TranscodingError } from '../errors.js';
import type { Cipher, Compressor } from './codecs.js';
import type { StoredEvent } from './records.js';
import type { Transcoder } from './transcoder.js';

/** The optional codecs of a {@link Mapper}. */
export interface MapperOptions {
  /** Compresses the transcoded state (applied before encryption). */
  readonly compressor?: Compressor | undefined;
  /** Encrypts the (compressed) state. */
  readonly cipher?: Cipher | undefined;
}

/**
 * Turns domain events into stored events and back, in the original's order: the event's
 * fields other than originator id and version are transcoded to JSON, then compressed, then
 * encrypted; reading reverses it. All of this happens before a recorder is called, so a
 * recorder's transaction never waits on anything but its own database.
 */
export class Mapper {
  /** The transcoder of the state. */
  readonly transcoder: Transcoder;
  /** The topic registry used to name and find event classes. */
  readonly topics: Topics;
  readonly #compressor: Compressor | undefined;
  readonly #cipher: Cipher | undefined;

  /**
   * Creates a mapper.
   *
   * @param transcoder - the transcoder of the state
   * @param topics - the topic registry
   * @param options - an optional compressor and cipher
   */
  constructor(transcoder: Transcoder, topics: Topics, options: MapperOptions = {}) {
    this.transcoder = transcoder;
    this.topics = topics;
    this.#compressor = options.compressor;
    this.#cipher = options.cipher;
  }

  /**
   * Maps a domain event to a stored event.
   *
   * @param event - the domain event
   * @returns the stored event
   * @throws {@link TopicError} when the event's class is not registered
   * @throws {@link TranscodingError} when a field holds a value of an unregistered type
   * @throws {@link CipherError} when the cipher cannot encrypt (a key the runtime refuses, no
   *   `crypto.getRandomValues` for the nonce)
   */
  async toStoredEvent(event: DomainEvent): Promise<StoredEvent> {
    const [stored] = await this.mapEvents([event]);
    return stored as StoredEvent;
  }

  /**
   * Maps many domain events to stored events. Everything but encryption is done at once, before
   * the first await, so later changes to the events' aggregates cannot reach the stored bytes.
   *
   * @param events - the domain events
   * @returns the stored events, in order
   * @throws {@link TopicError}, {@link TranscodingError} or {@link CipherError}, as
   *   {@link Mapper.toStoredEvent}
   */
  async toStoredEvents(events: readonly DomainEvent[]): Promise<StoredEvent[]> {
    return this.mapEvents(events);
  }

  /**
   * Maps many domain events to stored events as {@link Mapper.toStoredEvents} does, but gives
   * them at once, not as a promise, when no cipher is configured: the event store's path, so
   * that a save without encryption awaits nothing but its recorder. Every stored event is made
   * here ({@link Mapper.toStoredEvent}, {@link Mapper.toStoredEvents} and the
   * event store's `put` all call it), so a subclass changes how events are stored by
   * overriding this one method.
   *
   * @param events - the domain events
   * @returns the stored events, in order; a promise of them when a cipher is configured
   * @throws {@link TopicError} or {@link TranscodingError} at once, before anything is encrypted;
   *   the promise rejects with {@link CipherError} when the cipher cannot encrypt
   */
  mapEvents(events: readonly DomainEvent[]): StoredEvent[] | Promise<StoredEvent[]> {
    // A loop rather than `map`, whose result V8 makes packed or holey depending on whether the
    // call was compiled inline: code that reads it would be thrown away and compiled again.
    const stored = new Array<StoredEvent>(events.length);
    for (let i = 0; i < events.length; i++) stored[i] = this.#serialize(events[i] as DomainEvent);
    if (this.#cipher === undefined) return stored;
    return Promise.all(stored.map((s) => this.#encrypt(s)));
  }

  /**
   * Maps a stored event (or notification) to its domain event.
   *
   * @param stored - the stored event
   * @returns the domain event
   * @throws {@link TopicError} naming the topic when no class is registered for it
   * @throws {@link CipherError} or {@link CompressorError} when the state cannot be decoded
   * @throws {@link TranscodingError} when the decoded state is not a JSON object with a
   *   timestamp, or has a field named `originatorId` or `originatorVersion` that contradicts
   *   the stored event's, or as a member of the event's class (stored by something other than
   *   a mapper)
   */
  async toDomainEvent(stored: StoredEvent): Promise<DomainEvent> {
    const state = this.#cipher === undefined ? stored.state : await this.#cipher.decrypt(stored.state);
    return this.#deserialize(stored, state);
  }

  /**
   * Maps many stored events to domain events.
   *
   * @param stored - the stored events
   * @returns the domain events, in order
   * @throws {@link TopicError}, {@link CipherError}, {@link CompressorError} or
   *   {@link TranscodingError}, as {@link Mapper.toDomainEvent}, for the first event that fails
   */
  async toDomainEvents(stored: readonly StoredEvent[]): Promise<DomainEvent[]> {
    const cipher = this.#cipher;
    if (cipher === undefined) return stored.map((s) => this.#deserialize(s, s.state));
    return Promise.all(stored.map(async (s) => this.#deserialize(s, await cipher.decrypt(s.state))));
  }

  #serialize(event: DomainEvent): StoredEvent {
    const topic = this.topics.topicOf(event);
    const fields: Record<string, unknown> = {};
    for (const key in event) {
      if (key !== 'originatorId' && key !== 'originatorVersion') {
        fields[key] = (event as unknown as Record<string, unknown>)[key];
      }
    }
    markClassVersion(event.constructor as unknown as EventClass, fields);
    let state = this.transcoder.encode(fields);
    if (this.#compressor !== undefined) state = this.#compressor.compress(state);
    return {
      originatorId: event.originatorId,
      originatorVersion: event.originatorVersion,
      topic,
      state,
    };
  }

  async #encrypt(stored: StoredEvent): Promise<StoredEvent> {
    const state = await (this.#cipher as Cipher).encrypt(stored.state);
    return { ...stored, state };
  }

  #deserialize(stored: StoredEvent, state: Uint8Array): DomainEvent {
    const eventClass = this.topics.eventClass(stored.topic);
    const bytes = this.#compressor === undefined ? state : this.#compressor.decompress(state);
    const decoded = this.transcoder.decode(bytes);
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
      throw malformedState(stored, 'is not a JSON object');
    }
    const fields = decoded as Record<string, unknown>;
    upcastState(eventClass, fields);
    if (!(fields.timestamp instanceof Date)) throw malformedState(stored, 'has no timestamp');
    return makeEvent(eventClass, stored.originatorId, stored.originatorVersion, fields.timestamp, fields);
  }
}

/** The error for decoded state that no mapper writes (it was stored by something else). */
function malformedState(stored: StoredEvent, what: string): TranscodingError {
  return new TranscodingError(
    `mapper: the stored state of ${stored.topic} event ${stored.originatorId} v${String(stored.originatorVersion)} ${what}, so it makes no event (it was not written by a mapper)`,
  );
}

/**
 * The event store: puts domain events through the mapper into a recorder, and gets them back.
 *
 * @module
 */
import type { DomainEvent } from '../domain/events.js';
import type { Mapper } from './mapper.js';
import { Notification, type StoredEvent } from './records.js';
import type { AggregateRecorder, SelectEventsOptions } from './recorders.js';

/** A saved domain event with the notification that records it in the log. */
export interface Recording<E extends DomainEvent = DomainEvent> {
  /** The domain event that was saved. */
  readonly domainEvent: E;
  /** Its notification, with the id the recorder gave it. */
  readonly notification: Notification;
}

/** Stores domain events through a mapper in a recorder, and reads them back. */
export class EventStore<E extends DomainEvent = DomainEvent> {
  /** The mapper between domain and stored events. */
  readonly mapper: Mapper;
  /** The recorder of the stored events. */
  readonly recorder: AggregateRecorder;

  /**
   * Creates an event store.
   *
   * @param mapper - the mapper
   * @param recorder - the recorder
   */
  constructor(mapper: Mapper, recorder: AggregateRecorder) {
    this.mapper = mapper;
    this.recorder = recorder;
  }

  /**
   * Stores domain events atomically.
   *
   * @param events - the events
   * @returns a recording per event, or none when the recorder keeps no notification log
   * @throws {@link RecordConflictError} (as a rejection, as every error here) when any event's
   *   originator version is taken; nothing is written
   */
  put(events: readonly E[]): Promise<Recording<E>[]> {
    // A chain of promises rather than an async function: one promise fewer per save. Every
    // error, thrown here or by the recorder, is a rejection.
    try {
      if (events.length === 0) return Promise.resolve([]);
      const mapped = this.mapper.mapEvents(events);
      // Without a cipher the stored events are ready: the recorder is called at once.
      if (Array.isArray(mapped)) return this.#insert(events, mapped);
      return Promise.resolve(mapped).then((stored) => this.#insert(events, stored));
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as thrown
      return Promise.reject(error);
    }
  }

  /** Inserts the stored events of `events`, and makes their recordings from the ids given. */
  #insert(events: readonly E[], stored: readonly StoredEvent[]): Promise<Recording<E>[]> {
    return Promise.resolve(this.recorder.insertEvents(stored)).then((ids) => {
      if (ids.length !== stored.length) return [];
      const recordings = new Array<Recording<E>>(stored.length);
      for (let i = 0; i < stored.length; i++) {
        const s = stored[i] as StoredEvent;
        const id = ids[i] as number;
        const notification = new Notification(id, s.originatorId, s.originatorVersion, s.topic, s.state);
        recordings[i] = { domainEvent: events[i] as E, notification };
      }
      return recordings;
    });
  }

  /**
   * Gets an originator's domain events.
   *
   * @param originatorId - the originator's id
   * @param options - version bounds (`gt`, `lte`), `desc` and `limit`
   * @returns the events
   */
  async get(originatorId: string, options?: SelectEventsOptions): Promise<E[]> {
    const stored = await this.recorder.selectEvents(originatorId, options);
    return (await this.mapper.toDomainEvents(stored)) as E[];
  }
}

/**
 * The event store: puts domain events through the mapper into a recorder, and gets them back.
 *
 * @module
 */
import type { DomainEvent } from '../domain/events.js';
import type { Mapper } from './mapper.js';
import { Notification } from './records.js';
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
   * @throws {@link RecordConflictError} when any event's originator version is taken; nothing
   *   is written
   */
  async put(events: readonly E[]): Promise<Recording<E>[]> {
    if (events.length === 0) return [];
    const mapped = this.mapper.mapEvents(events);
    // Without a cipher the stored events are ready: no await before the recorder's.
    const stored = Array.isArray(mapped) ? mapped : await mapped;
    const ids = await this.recorder.insertEvents(stored);
    if (ids.length !== stored.length) return [];
    const recordings = new Array<Recording<E>>(stored.length);
    for (let i = 0; i < stored.length; i++) {
      const s = stored[i] as (typeof stored)[number];
      recordings[i] = {
        domainEvent: events[i] as E,
        notification: new Notification(
          ids[i] as number,
          s.originatorId,
          s.originatorVersion,
          s.topic,
          s.state,
        ),
      };
    }
    return recordings;
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

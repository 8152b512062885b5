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
   * @throws {@link TopicError} or {@link TranscodingError} from the mapper, a cipher's error,
   *   or another of the recorder's (a {@link DataError}, an {@link OperationalError}); nothing
   *   is written
   */
  async put(events: readonly E[]): Promise<Recording<E>[]> {
    if (events.length === 0) return [];
    const mapped = this.mapper.mapEvents(events);
    // Without a cipher the stored events are ready: the recorder is called at once.
    const stored = Array.isArray(mapped) ? mapped : await mapped;
    return recordingsOf(events, stored, await this.recorder.insertEvents(stored));
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

/**
 * Pairs saved domain events with their notifications, made from their stored events and the
 * notification ids the recorder gave them.
 *
 * @param events - the domain events, in the order they were stored
 * @param stored - their stored events
 * @param ids - the recorder's notification ids, one per stored event
 * @returns a recording per event, or none when the recorder gave no ids (it keeps no
 *   notification log)
 */
export function recordingsOf<E extends DomainEvent>(
  events: readonly E[],
  stored: readonly StoredEvent[],
  ids: readonly number[],
): Recording<E>[] {
  if (ids.length !== stored.length) return [];
  const recordings = new Array<Recording<E>>(stored.length);
  for (let i = 0; i < stored.length; i++) {
    const s = stored[i] as StoredEvent;
    const notification = new Notification(
      ids[i] as number,
      s.originatorId,
      s.originatorVersion,
      s.topic,
      s.state,
    );
    recordings[i] = { domainEvent: events[i] as E, notification };
  }
  return recordings;
}

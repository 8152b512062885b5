/**
 * The stored forms of domain events.
 *
 * @module
 */

/** A domain event as a recorder stores it: two columns, a topic, and the mapper's bytes. */
export interface StoredEvent {
  /** The id of the event's originator (aggregate). */
  readonly originatorId: string;
  /** The version of the originator that the event makes. */
  readonly originatorVersion: number;
  /** The topic of the event's class. */
  readonly topic: string;
  /**
   * The event's other fields: JSON, then compressed, then encrypted, as configured. It may be
   * a view of a larger buffer (the transcoder writes small states into shared blocks): read it
   * through its `byteOffset` and `byteLength`, send a copy (`new Uint8Array(state)`) rather
   * than the state to another realm (`postMessage` would clone the whole buffer), and never
   * transfer its buffer.
   */
  readonly state: Uint8Array;
}

/** A stored event with its position in the application's notification log. */
export class Notification implements StoredEvent {
  /**
   * Creates a notification.
   *
   * @param id - the notification id: positive, strictly increasing in the log
   * @param originatorId - the originator's id
   * @param originatorVersion - the originator's version
   * @param topic - the event's topic
   * @param state - the stored bytes
   */
  constructor(
    readonly id: number,
    readonly originatorId: string,
    readonly originatorVersion: number,
    readonly topic: string,
    readonly state: Uint8Array,
  ) {}
}

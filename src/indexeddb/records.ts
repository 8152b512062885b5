/**
 * Conversions between the core's stored events and the records kept in IndexedDB.
 *
 * @module
 */
import { ownBytes, toBytes } from '../persistence/bytes.js';
import { Notification, type StoredEvent } from '../persistence/records.js';
import type { EventRecord } from './schema.js';

/**
 * Makes the record of a stored event. A state that is a view of a larger buffer is copied
 * ({@link ownBytes}), as IndexedDB would otherwise store the whole buffer.
 *
 * @param applicationName - the application's name, the first part of the key
 * @param event - the stored event
 * @returns the record
 */
export function toRecord(applicationName: string, event: StoredEvent): EventRecord {
  return {
    application_name: applicationName,
    originator_id: event.originatorId,
    originator_version: event.originatorVersion,
    topic: event.topic,
    state: ownBytes(event.state),
  };
}

/**
 * Makes the stored event of a record.
 *
 * @param record - the record
 * @returns the stored event
 */
export function toStoredEvent(record: EventRecord): StoredEvent {
  return {
    originatorId: record.originator_id,
    originatorVersion: record.originator_version,
    topic: record.topic,
    state: toBytes(record.state),
  };
}

/**
 * Makes the notification of a record of the events store.
 *
 * @param record - the record, with its notification id
 * @returns the notification
 */
export function toNotification(record: EventRecord): Notification {
  return new Notification(
    record.notification_id ?? 0,
    record.originator_id,
    record.originator_version,
    record.topic,
    toBytes(record.state),
  );
}

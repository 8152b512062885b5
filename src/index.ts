/**
 * Event sourcing for TypeScript: aggregates and domain events, an application with its
 * repository, notification log and snapshots, a JSON transcoder and mapper, and the in-memory
 * recorders. Adapters live in their own subpaths: `eventsourcing/indexeddb`, `eventsourcing/d1`,
 * `eventsourcing/cipher`, `eventsourcing/cipher/noble`, `eventsourcing/compressor`.
 *
 * @module
 */
export { Aggregate, type AggregateClass } from './domain/aggregate.js';
export {
  AggregateCreated,
  AggregateEvent,
  DomainEvent,
  makeEvent,
  type EventClass,
  type EventPayload,
} from './domain/events.js';
export { Snapshot } from './domain/snapshot.js';
export { Topics } from './domain/topics.js';
export { classVersionOf, type Upcast, type Versioned } from './domain/upcasts.js';
export { Application, type ApplicationConfig, type SnapshottingConfig } from './application/application.js';
export { Repository, type GetOptions } from './application/repository.js';
export {
  LocalNotificationLog,
  Section,
  makeSection,
  parseSectionId,
  type NotificationLog,
} from './application/notification-log.js';
export { NotificationLogReader, type ReadOptions } from './application/notification-log-reader.js';
export {
  RemoteNotificationLog,
  sectionFromJson,
  sectionToJson,
  type NotificationJson,
  type RemoteNotificationLogOptions,
  type RemoteResponse,
  type SectionJson,
} from './application/remote-notification-log.js';
export { Notification, type StoredEvent } from './persistence/records.js';
export {
  checkEventSelection,
  checkLimit,
  checkSelection,
  checkStoredEvents,
  type AggregateRecorder,
  type ApplicationRecorder,
  type ProcessRecorder,
  type SelectEventsOptions,
  type SelectNotificationsOptions,
  type Tracking,
} from './persistence/recorders.js';
export type { Persistence } from './persistence/persistence.js';
export type { Cipher, Compressor } from './persistence/codecs.js';
export { JsonTranscoder, type Transcoder, type Transcoding } from './persistence/transcoder.js';
export {
  BigIntAsString,
  BytesAsBase64,
  DateAsIso,
  MapAsPairs,
  SetAsList,
} from './persistence/transcodings.js';
export { Mapper, type MapperOptions } from './persistence/mapper.js';
export { EventStore, type Recording } from './persistence/event-store.js';
export { fromBase64, toBase64, toBytes } from './persistence/bytes.js';
export { MemoryAggregateRecorder, MemoryApplicationRecorder } from './memory/recorders.js';
export { MemoryPersistence, memory } from './memory/persistence.js';
export {
  AggregateNotFoundError,
  AutomaticSnapshotError,
  CipherError,
  CompressorError,
  ConfigurationError,
  DatabaseError,
  DataError,
  EarlierSaveError,
  EventSourcingError,
  IntegrityError,
  InterfaceError,
  InternalError,
  NotSupportedError,
  OperationalError,
  OriginatorIdError,
  OriginatorVersionError,
  PersistenceError,
  ProgrammingError,
  RecordConflictError,
  TopicError,
  TranscodingError,
} from './errors.js';

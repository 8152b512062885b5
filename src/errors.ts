/**
 * The library's errors. Every error it throws on purpose is an {@link EventSourcingError},
 * except for a wrong argument (a malformed section id, a version of 0, a non-aggregate given
 * to `save`), which is a `TypeError` or `RangeError`; persistence errors keep the
 * database-standard names of the original library.
 *
 * @module
 */
import type { Recording } from './persistence/event-store.js';

/** The base class of every error the library throws on purpose, but for wrong arguments. */
export class EventSourcingError extends Error {
  /** The name of the error's class, which messages and stack traces begin with. */
  override name = 'EventSourcingError';
}

/**
 * A topic has no registered class, a class is not registered (an event or aggregate class the
 * application does not list), or a class has no topic or a topic taken by another class.
 */
export class TopicError extends EventSourcingError {
  override name = 'TopicError';
}

/** A value could not be encoded or decoded by the transcoder (for example: an unregistered type). */
export class TranscodingError extends EventSourcingError {
  override name = 'TranscodingError';
}

/** An event was applied to an aggregate with another id. */
export class OriginatorIdError extends EventSourcingError {
  override name = 'OriginatorIdError';
}

/** An event was applied to an aggregate whose version is not the event's version minus one. */
export class OriginatorVersionError extends EventSourcingError {
  override name = 'OriginatorVersionError';
}

/** The repository holds no events for the requested aggregate id. */
export class AggregateNotFoundError extends EventSourcingError {
  override name = 'AggregateNotFoundError';
}

/** The application was configured in a way that cannot work, or a feature it needs is off. */
export class ConfigurationError extends EventSourcingError {
  override name = 'ConfigurationError';
}

/** Encryption or decryption failed: wrong key, truncated or tampered ciphertext. */
export class CipherError extends EventSourcingError {
  override name = 'CipherError';
}

/** Compression or decompression failed: corrupt or foreign compressed data. */
export class CompressorError extends EventSourcingError {
  override name = 'CompressorError';
}

/**
 * A save was committed, but taking an automatic snapshot after it failed. The save's events are
 * stored and {@link Application.notify} was called with them: do not save them again. The
 * snapshot's own error is the `cause`.
 */
export class AutomaticSnapshotError extends EventSourcingError {
  override name = 'AutomaticSnapshotError';
  /** The recordings of the committed save. */
  readonly recordings: readonly Recording[];

  /**
   * Creates the error.
   *
   * @param message - what failed
   * @param recordings - the recordings of the committed save
   * @param cause - the snapshot's error
   */
  constructor(message: string, recordings: readonly Recording[], cause: unknown) {
    super(message, { cause });
    this.recordings = recordings;
  }
}

/**
 * A save was refused because an earlier save of one of its aggregate objects, still in progress
 * when it began, failed: this save's events follow that save's events, so they are not stored
 * either. Nothing of this save is written; its events are pending again, behind the earlier
 * save's. The earlier save's error is the `cause`.
 */
export class EarlierSaveError extends EventSourcingError {
  override name = 'EarlierSaveError';
}

/** The base class of errors raised by recorders, after the database API standard. */
export class PersistenceError extends EventSourcingError {
  override name = 'PersistenceError';
}

/** An error in the interface to the database rather than the database itself. */
export class InterfaceError extends PersistenceError {
  override name = 'InterfaceError';
}

/** An error in the database. */
export class DatabaseError extends PersistenceError {
  override name = 'DatabaseError';
}

/** The data could not be stored as given (for example: a row beyond the database's size limit). */
export class DataError extends DatabaseError {
  override name = 'DataError';
}

/** The database could not do the operation (closed connection, quota exceeded, aborted transaction). */
export class OperationalError extends DatabaseError {
  override name = 'OperationalError';
}

/** The relational integrity of the database would be broken. */
export class IntegrityError extends DatabaseError {
  override name = 'IntegrityError';
}

/**
 * A stored event with the same originator id and version already exists, so nothing of the
 * save was written: the optimistic concurrency check of event sourcing.
 */
export class RecordConflictError extends IntegrityError {
  override name = 'RecordConflictError';
}

/** The database met an internal error. */
export class InternalError extends DatabaseError {
  override name = 'InternalError';
}

/** The recorder was used wrongly (for example: a table that does not exist). */
export class ProgrammingError extends DatabaseError {
  override name = 'ProgrammingError';
}

/** The database does not support what was asked. */
export class NotSupportedError extends DatabaseError {
  override name = 'NotSupportedError';
}

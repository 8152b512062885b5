/**
 * The application base class: a domain model with its event store, repository, notification
 * log and snapshots, configured by one object.
 *
 * @module
 */
import {
  Aggregate,
  restorePendingEvents,
  SaveInProgress,
  type AggregateClass,
  type EarlierSave,
} from '../domain/aggregate.js';
import type { AggregateEvent } from '../domain/events.js';
import { takeSnapshot, type Snapshot } from '../domain/snapshot.js';
import { Topics } from '../domain/topics.js';
import {
  AutomaticSnapshotError,
  ConfigurationError,
  EarlierSaveError,
  OperationalError,
  RecordConflictError,
  TopicError,
} from '../errors.js';
import { memory } from '../memory/persistence.js';
import type { Cipher, Compressor } from '../persistence/codecs.js';
import { EventStore, recordingsOf, type Recording } from '../persistence/event-store.js';
import { Mapper } from '../persistence/mapper.js';
import type { StoredEvent } from '../persistence/records.js';
import type { Persistence } from '../persistence/persistence.js';
import type { AggregateRecorder, ApplicationRecorder } from '../persistence/recorders.js';
import { JsonTranscoder, type Transcoder } from '../persistence/transcoder.js';
import {
  BigIntAsString,
  BytesAsBase64,
  DateAsIso,
  MapAsPairs,
  SetAsList,
} from '../persistence/transcodings.js';
import { LocalNotificationLog } from './notification-log.js';
import { Repository } from './repository.js';

/** Snapshotting settings: on, and optionally automatic every N events per aggregate class. */
export interface SnapshottingConfig {
  /** Take a snapshot whenever a save moves an aggregate of the class past a multiple of N. */
  readonly intervals?: ReadonlyArray<readonly [AggregateClass, number]> | undefined;
}

/** Everything an application is configured with: one object, never environment variables. */
export interface ApplicationConfig {
  /** The application's name; overrides the class's static `applicationName`. */
  readonly name?: string | undefined;
  /** Where events go: `memory()` (the default), `indexedDb(...)`, `d1(...)`. */
  readonly persistence?: Persistence | undefined;
  /** `true` (or settings) to keep snapshots; off by default. */
  readonly snapshotting?: boolean | SnapshottingConfig | undefined;
  /** The most notifications in a log section (10 by default). */
  readonly sectionSize?: number | undefined;
  /** Encrypts stored state, e.g. `new AesGcmCipher(key)` from `eventsourcing/cipher`. */
  readonly cipher?: Cipher | undefined;
  /** Compresses stored state, e.g. `new ZlibCompressor()` from `eventsourcing/compressor`. */
  readonly compressor?: Compressor | undefined;
}

/**
 * The base class of event-sourced applications. Subclasses give a static `applicationName`
 * (or a `name` in the config) and the `aggregates` whose events they store, and define command
 * and query methods over {@link Application.repository} and {@link Application.save}.
 *
 * @example
 * ```ts
 * class Worlds extends Application {
 *   static override readonly applicationName = 'Worlds';
 *   static override readonly aggregates = [World];
 *
 *   async createWorld(): Promise<string> {
 *     const world = World.create();
 *     await this.save(world);
 *     return world.id;
 *   }
 * }
 * const app = new Worlds(); // in memory; or new Worlds({ persistence: indexedDb({ dbName: 'worlds' }) })
 * ```
 */
export class Application {
  /** The default name of the application's instances; kept apart from others' by it. */
  static readonly applicationName: string | undefined = undefined;
  /** The aggregate classes whose events the application stores and reads. */
  static readonly aggregates: readonly AggregateClass[] = [];

  /** The application's name. */
  readonly name: string;
  /** The configuration it was given. */
  readonly config: ApplicationConfig;
  /** The topic registry of its aggregates and events. */
  readonly topics: Topics;
  /** The transcoder of stored state. */
  readonly transcoder: Transcoder;
  /** The mapper between domain events and stored events. */
  readonly mapper: Mapper;
  /** The recorder of its events and notification log. */
  readonly recorder: ApplicationRecorder;
  /** The store of its aggregates' events. */
  readonly events: EventStore<AggregateEvent>;
  /** The store of snapshots: present only when snapshotting is on. */
  readonly snapshots: EventStore<Snapshot> | undefined;
  /** The repository of its aggregates. */
  readonly repository: Repository;
  /** Its notification log. */
  readonly log: LocalNotificationLog;
  readonly #persistence: Persistence;
  readonly #snapshotRecorder: AggregateRecorder | undefined;
  readonly #intervals: Map<AggregateClass, number>;
  /** The saves and snapshots in progress, which close() waits for. */
  #inProgress = 0;
  /** How many close() calls are in progress: saves and snapshots record nothing meanwhile. */
  #closing = 0;
  /** Aborted while close() runs: a snapshot begun before stops before its next read. */
  #closed = new AbortController();
  /** What close() waits on while saves or snapshots are in progress, and its resolver. */
  #idle: Promise<void> | undefined = undefined;
  #wakeIdle: (() => void) | undefined = undefined;

  /**
   * Creates the application and its parts, through the `construct...` hooks.
   *
   * @param config - persistence, snapshotting, section size, cipher, compressor, name
   * @throws {@link ConfigurationError} when the application has no name, the section size or a
   *   snapshot interval is not a positive integer, an interval is given for a class not among its aggregates, or the persistence, cipher or compressor given lacks a method
   *   of its interface (a class instead of an instance, a key instead of a cipher)
   * @throws {@link TopicError} when an aggregate or event class has no static topic of its
   *   own, a topic is taken by another class, or an aggregate class has no static `events` list
   */
  constructor(config: ApplicationConfig = {}) {
    const statics = this.constructor as typeof Application;
    const name = config.name ?? statics.applicationName;
    if (name === undefined || name === '') {
      throw new ConfigurationError(
        'application: give the class a static applicationName, or pass { name } in the config',
      );
    }
    this.name = name;
    checkPart(
      name,
      'persistence',
      config.persistence,
      ['applicationRecorder', 'snapshotRecorder'],
      'memory()',
    );
    checkPart(name, 'cipher', config.cipher, ['encrypt', 'decrypt'], 'new AesGcmCipher(key)');
    checkPart(name, 'compressor', config.compressor, ['compress', 'decompress'], 'new ZlibCompressor()');
    const { sectionSize } = config;
    if (sectionSize !== undefined && (!Number.isSafeInteger(sectionSize) || sectionSize < 1)) {
      throw new ConfigurationError(
        `application ${name}: config.sectionSize must be a positive integer, got ${String(sectionSize)}`,
      );
    }
    this.config = config;
    this.#persistence = config.persistence ?? memory();
    const snapshotting = config.snapshotting ?? false;
    this.#intervals = new Map(
      snapshotting === false || snapshotting === true ? [] : (snapshotting.intervals ?? []),
    );
    this.topics = this.constructTopics();
    for (const [aggregateClass, interval] of this.#intervals) {
      if (!Number.isSafeInteger(interval) || interval < 1) {
        throw new ConfigurationError(
          `application ${name}: the snapshot interval of ${aggregateClass.topic} must be a positive integer, got ${String(interval)}`,
        );
      }
      // Intervals go by the exact class of a saved aggregate: any other would never fire.
      if (!this.topics.hasAggregateClass(aggregateClass)) {
        throw new ConfigurationError(
          `application ${name}: a snapshot interval is given for ${aggregateClass.name || 'a class'}, which is not one of the application's aggregates (its static aggregates)`,
        );
      }
    }
    this.transcoder = this.constructTranscoder();
    this.mapper = this.constructMapper();
    this.recorder = this.constructRecorder();
    this.events = new EventStore(this.mapper, this.recorder);
    this.#snapshotRecorder = snapshotting === false ? undefined : this.#persistence.snapshotRecorder(name);
    this.snapshots =
      this.#snapshotRecorder === undefined ? undefined : new EventStore(this.mapper, this.#snapshotRecorder);
    this.repository = this.constructRepository();
    this.log = this.constructNotificationLog();
  }

  /**
   * Builds the topic registry from the class's static `aggregates`.
   *
   * @returns the registry
   */
  protected constructTopics(): Topics {
    const topics = new Topics();
    for (const aggregateClass of (this.constructor as typeof Application).aggregates) {
      topics.registerAggregate(aggregateClass);
    }
    return topics;
  }

  /**
   * Builds the transcoder and registers its transcodings.
   *
   * @returns the transcoder
   */
  protected constructTranscoder(): Transcoder {
    const transcoder = new JsonTranscoder();
    this.registerTranscodings(transcoder);
    return transcoder;
  }

  /**
   * Registers the transcodings of stored values: `Date`, `bigint`, `Uint8Array`, `Map` and `Set`.
   * Override it, call `super.registerTranscodings(transcoder)`, then register your own.
   *
   * @param transcoder - the transcoder
   */
  protected registerTranscodings(transcoder: Transcoder): void {
    transcoder.register(new DateAsIso());
    transcoder.register(new BigIntAsString());
    transcoder.register(new BytesAsBase64());
    transcoder.register(new MapAsPairs());
    transcoder.register(new SetAsList());
  }

  /**
   * Builds the mapper with the configured compressor and cipher.
   *
   * @returns the mapper
   */
  protected constructMapper(): Mapper {
    return new Mapper(this.transcoder, this.topics, {
      cipher: this.config.cipher,
      compressor: this.config.compressor,
    });
  }

  /**
   * Gets the application's recorder from the configured persistence.
   *
   * @returns the recorder
   */
  protected constructRecorder(): ApplicationRecorder {
    return this.#persistence.applicationRecorder(this.name);
  }

  /**
   * Builds the repository over the event store and, when on, the snapshot store.
   *
   * @returns the repository
   */
  protected constructRepository(): Repository {
    return new Repository(this.events, this.topics, this.snapshots);
  }

  /**
   * Builds the notification log over the recorder, with the configured section size.
   *
   * @returns the log
   */
  protected constructNotificationLog(): LocalNotificationLog {
    return new LocalNotificationLog(this.recorder, this.config.sectionSize ?? 10);
  }

  /**
   * Saves the pending events of aggregates in one atomic unit, takes any automatic snapshots,
   * then calls {@link Application.notify}.
   *
   * A save that fails writes nothing and puts the events back on their aggregates, so an
   * aggregate never holds state that neither its store nor its pending events explain. A save
   * of an aggregate object whose earlier save is still in progress waits for it (up to its
   * automatic snapshots; not its notify, which may save the same aggregates) before recording,
   * so each aggregate's events are stored, and notify is called with them, in the order they
   * were triggered.
   *
   * @param aggregates - the aggregates whose pending events to save
   * @returns a recording per event with its notification; `[]` when nothing was pending
   * @throws {@link RecordConflictError} when another save took a version first; nothing of this
   *   save is written, and saving the same aggregates again would conflict again (get them
   *   again from the repository, and retry the command)
   * @throws TypeError when an argument is not an aggregate, and {@link TopicError} when an
   *   aggregate's class is not one of the application's: no events are collected, nothing is
   *   written
   * @throws {@link EarlierSaveError} when an earlier save of one of the aggregate objects, in
   *   progress when this one began, failed: nothing of this save is written, and its events go
   *   back behind the earlier save's (an {@link OperationalError} instead when close() refused
   *   the earlier save)
   * @throws {@link TranscodingError}, {@link TopicError}, a cipher's or recorder's error: nothing
   *   of this save is written
   * @throws {@link OperationalError} when {@link Application.close} was called before the save
   *   reached its recorder: nothing of it is written, and its events are pending again
   * @throws {@link AutomaticSnapshotError} when the save was committed and notified but an
   *   automatic snapshot after it failed
   * @throws whatever {@link Application.notify} throws or its promise rejects with: the save is
   *   committed (and this error is thrown instead of an {@link AutomaticSnapshotError})
   */
  async save(...aggregates: Aggregate[]): Promise<Recording<AggregateEvent>[]> {
    // Every argument is checked before events are collected from any of them.
    for (let i = 0; i < aggregates.length; i++) this.#checkSaved(aggregates[i], i);
    const collected = new Array<AggregateEvent[]>(aggregates.length);
    for (let i = 0; i < aggregates.length; i++) collected[i] = (aggregates[i] as Aggregate).collectEvents();
    const events = collected.length === 1 ? (collected[0] as AggregateEvent[]) : collected.flat();
    if (events.length === 0) return [];
    // A save of the same aggregate object still in progress is waited for before recording.
    const save = new SaveInProgress();
    const earlier = save.begin(aggregates, collected);
    let recordings: Recording<AggregateEvent>[];
    let snapshotError: unknown;
    // close() waits for this part: recorded (or failed), with its automatic snapshots.
    this.#inProgress++;
    try {
      try {
        // The event store's put, written out: the recorder's promise is awaited here rather
        // than through a promise of put's own, one promise fewer per save (~6% of its work).
        const mapped = this.mapper.mapEvents(events);
        const stored = Array.isArray(mapped) ? mapped : await mapped;
        if (earlier !== undefined) await this.#followEarlier(earlier);
        if (this.#closing > 0) throw this.#closingError('save');
        recordings = recordingsOf(events, stored, await this.recorder.insertEvents(stored));
      } catch (error) {
        // A save that failed before it waited still ends after the saves it follows, so a
        // later save never passes one of them.
        if (earlier !== undefined) await settled(earlier);
        for (let i = aggregates.length - 1; i >= 0; i--) {
          restorePendingEvents(aggregates[i] as Aggregate, collected[i] as AggregateEvent[]);
        }
        save.end(aggregates, true, error);
        throw error;
      }
      try {
        // None once close() is called: a snapshot only saves reading time.
        snapshotError =
          this.#intervals.size > 0 && this.#closing === 0
            ? await this.#takeAutomaticSnapshots(aggregates, events)
            : undefined;
      } finally {
        // Done with its aggregates before notify: notify may save them again, and it is called
        // for each aggregate's saves in the order they were recorded.
        save.end(aggregates, false);
      }
    } finally {
      this.#ended();
    }
    // Awaited only when it returns a promise: a synchronous notify costs no extra turn.
    const notified = this.notify(recordings);
    if (notified !== undefined) await notified;
    if (snapshotError !== undefined) {
      throw new AutomaticSnapshotError(
        `application ${this.name}: the save was committed, but an automatic snapshot after it failed (its error is the cause)`,
        recordings,
        snapshotError,
      );
    }
    return recordings;
  }

  /**
   * Waits for earlier saves of a save's aggregate objects, and refuses the save when one failed.
   *
   * @param earlier - the aggregates with a save in progress, and those saves
   * @throws {@link EarlierSaveError} when one of them failed
   */
  async #followEarlier(earlier: readonly EarlierSave[]): Promise<void> {
    for (const { aggregate, save } of earlier) {
      const { failed, error } = await save.outcome();
      if (failed) {
        // Refused by close(), or cut short as it closed a connection: so is this save.
        if (this.#stoppedByClose(error)) throw this.#closingError('save');
        throw new EarlierSaveError(
          `application ${this.name}: an earlier save of aggregate ${aggregate.id} failed, and this save's events follow its events: nothing of this save was written, and its events are pending again (the earlier save's error is the cause)`,
          // Down a chain of refused saves, the cause is the error that began it.
          { cause: error instanceof EarlierSaveError ? error.cause : error },
        );
      }
    }
  }

  #checkSaved(aggregate: unknown, index: number): void {
    if (!(aggregate instanceof Aggregate)) {
      const what = aggregate === null ? 'null' : typeof aggregate;
      throw new TypeError(
        `application ${this.name}: save() takes aggregates, but argument ${String(index + 1)} is ${what}; nothing was saved`,
      );
    }
    const aggregateClass = aggregate.constructor as AggregateClass;
    if (!this.topics.hasAggregateClass(aggregateClass)) {
      throw new TopicError(
        `application ${this.name}: aggregate class ${aggregateClass.name || '(anonymous)'} is not one of its aggregates, so what is saved could not be read back: list it in the application's static aggregates, with a static topic of its own; nothing was saved`,
      );
    }
  }

  /**
   * Called with the recordings of each save once it is stored. Does nothing here; override it
   * to act on new events (publish them, update a view). It may be `async`: `save` waits for
   * the promise it returns, and rejects with its error (the save stays committed).
   *
   * @param recordings - the new recordings
   * @returns nothing, or a promise that `save` waits for
   */
  protected notify(recordings: readonly Recording<AggregateEvent>[]): void | Promise<void> {
    // Nothing by default: subclasses override this to act on new events.
  }

  /**
   * Takes a snapshot of an aggregate as recorded (never a caller's copy), and stores it.
   *
   * @param aggregateId - the aggregate's id
   * @param options - `version` to snapshot (the latest by default)
   * @throws {@link ConfigurationError} when snapshotting is off
   * @throws {@link AggregateNotFoundError} when the aggregate does not exist
   * @throws RangeError when `version` is not a positive integer
   * @throws {@link RecordConflictError} when a snapshot at that version is already stored (as
   *   in the original; automatic snapshots ignore it, as it holds the same state)
   * @throws what {@link Repository.get} throws for the aggregate's stored events
   * @throws {@link OperationalError} when {@link Application.close} was called before the
   *   snapshot reached its recorder (nothing is written)
   */
  async takeSnapshot(
    aggregateId: string,
    options: { readonly version?: number | undefined } = {},
  ): Promise<void> {
    const snapshots = this.#snapshotsOrThrow();
    this.#inProgress++;
    try {
      // Once close() is called, nothing is read either (a read would open a connection again).
      if (this.#closing > 0) throw this.#closingError('snapshot');
      const { signal } = this.#closed;
      let stored: StoredEvent[];
      try {
        const aggregate = await this.repository.get(aggregateId, { version: options.version, signal });
        // A fresh aggregate, encoded at once: the snapshot need not copy its state.
        stored = await this.mapper.toStoredEvents([takeSnapshot(aggregate, false)]);
      } catch (error) {
        // A read that close() stopped, or cut short (the connection closed under it), is
        // refused as such.
        if (signal.aborted || this.#stoppedByClose(error)) throw this.#closingError('snapshot');
        throw error;
      }
      if (this.#closing > 0) throw this.#closingError('snapshot');
      await snapshots.recorder.insertEvents(stored);
    } finally {
      this.#ended();
    }
  }

  /**
   * Closes the application's recorders, and resolves once its saves and snapshots in progress
   * have ended, so that nothing it began writes after it resolves (a database can be deleted
   * then). Until then, a save or snapshot that has not yet called its recorder (still
   * encrypting, say, or begun meanwhile) is refused with an {@link OperationalError}, and no
   * automatic snapshot is taken; one whose recorder call began before is waited for (an
   * IndexedDB transaction commits or aborts; one still waiting for the database to open fails,
   * as the connection closes). Once nothing is in progress the recorders are closed again, as
   * what was in progress may have opened a connection. `notify` is not waited for. Data in
   * durable stores stays; a save made after it resolves opens the IndexedDB recorders'
   * connection again.
   *
   * @throws the error of a recorder's `close()`, after waiting for what was in progress
   */
  async close(): Promise<void> {
    if (this.#closing++ === 0) this.#closed.abort();
    try {
      let failure: PromiseRejectedResult | undefined;
      for (;;) {
        const closed = await Promise.allSettled([this.recorder.close(), this.#snapshotRecorder?.close()]);
        failure ??= closed.find((result) => result.status === 'rejected');
        if (this.#inProgress === 0) break;
        // Then closed again: what was in progress may have opened a connection (a read).
        while (this.#inProgress > 0) {
          await (this.#idle ??= new Promise<void>((resolve) => {
            this.#wakeIdle = resolve;
          }));
        }
      }
      if (failure !== undefined) throw failure.reason;
    } finally {
      if (--this.#closing === 0) this.#closed = new AbortController();
    }
  }

  /**
   * The error of a save or snapshot refused because close() was called before its recorder was.
   *
   * @param what - `'save'` or `'snapshot'`
   * @returns the error
   */
  #closingError(what: string): OperationalError {
    return new ClosingError(
      `application ${this.name}: close() was called before this ${what} reached its recorder; nothing of it was written`,
    );
  }

  /**
   * Tells whether an error is close()'s doing: its refusal, or a recorder's error while it runs
   * (a connection closed under the work).
   *
   * @param error - the error
   * @returns true when it is
   */
  #stoppedByClose(error: unknown): boolean {
    return error instanceof ClosingError || (this.#closing > 0 && error instanceof OperationalError);
  }

  /** Ends a save or snapshot counted in {@link Application.close}'s wait, waking it when none is left. */
  #ended(): void {
    if (--this.#inProgress > 0 || this.#wakeIdle === undefined) return;
    const wake = this.#wakeIdle;
    this.#idle = undefined;
    this.#wakeIdle = undefined;
    wake();
  }

  #snapshotsOrThrow(): EventStore<Snapshot> {
    if (this.snapshots === undefined) {
      throw new ConfigurationError(
        `application ${this.name}: snapshotting is off; pass { snapshotting: true } in the config to turn it on`,
      );
    }
    return this.snapshots;
  }

  /**
   * Takes the automatic snapshots a committed save calls for: one per aggregate whose saved
   * versions passed a multiple of its class's interval, at the last saved version, read back
   * from the store as {@link Application.takeSnapshot} does (never the caller's object, which
   * may have moved on). A snapshot already stored at that version is the same state: its
   * conflict is ignored.
   *
   * @param aggregates - the aggregates saved
   * @param events - the saved events
   * @returns the first error, if any snapshot failed
   */
  async #takeAutomaticSnapshots(
    aggregates: readonly Aggregate[],
    events: readonly AggregateEvent[],
  ): Promise<unknown> {
    // The interval of each aggregate saved (once each, should it be passed twice).
    const intervals = new Map<string, number>();
    for (const aggregate of aggregates) {
      const interval = this.#intervals.get(aggregate.constructor as AggregateClass);
      if (interval !== undefined) intervals.set(aggregate.id, interval);
    }
    // The lowest and highest versions this save stored of each of them.
    const saved = new Map<string, { lowest: number; highest: number; interval: number }>();
    for (const { originatorId: id, originatorVersion: version } of events) {
      const entry = saved.get(id);
      if (entry !== undefined) {
        entry.lowest = Math.min(entry.lowest, version);
        entry.highest = Math.max(entry.highest, version);
      } else {
        const interval = intervals.get(id);
        if (interval !== undefined) saved.set(id, { lowest: version, highest: version, interval });
      }
    }
    const due: [string, number][] = [];
    for (const [id, { lowest, highest, interval }] of saved) {
      if (Math.floor(highest / interval) > Math.floor((lowest - 1) / interval)) due.push([id, highest]);
    }
    const results = await Promise.allSettled(due.map(([id, version]) => this.takeSnapshot(id, { version })));
    for (const result of results) {
      // A snapshot refused because close() was called is not taken, and not an error.
      if (
        result.status === 'rejected' &&
        !(result.reason instanceof RecordConflictError) &&
        !(result.reason instanceof ClosingError)
      ) {
        return result.reason;
      }
    }
    return undefined;
  }
}

/**
 * Checks that a part given in the config has the methods of its interface, so that a class
 * given instead of an instance, or a key instead of a cipher, fails here and not at a save.
 *
 * @param application - the application's name, for the message
 * @param key - the config key
 * @param part - the value given, if any
 * @param methods - the methods it must have
 * @param example - an example of a right value, for the message
 * @throws {@link ConfigurationError} when a method is missing
 */
function checkPart(
  application: string,
  key: string,
  part: unknown,
  methods: readonly string[],
  example: string,
): void {
  if (part === undefined) return;
  const missing = methods.filter(
    (method) =>
      typeof part !== 'object' ||
      part === null ||
      typeof (part as Record<string, unknown>)[method] !== 'function',
  );
  if (missing.length === 0) return;
  const given =
    typeof part === 'function'
      ? 'a class or function (construct it with new)'
      : part === null
        ? 'null'
        : typeof part === 'object'
          ? `an object without ${missing.join(' and ')}`
          : `a ${typeof part}`;
  throw new ConfigurationError(
    `application ${application}: config.${key} must be an object with ${methods.join(' and ')} methods, such as ${example}; got ${given}`,
  );
}

/** A save or snapshot refused because close() was called first (internal: an OperationalError to users). */
class ClosingError extends OperationalError {}

/**
 * Waits until saves have ended, whatever their outcome.
 *
 * @param earlier - the saves, with their aggregates
 */
async function settled(earlier: readonly EarlierSave[]): Promise<void> {
  for (const { save } of earlier) await save.outcome();
}

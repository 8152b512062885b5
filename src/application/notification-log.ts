/**
 * Notification logs: an application's events, in the order they were recorded, read in
 * linked sections.
 *
 * @module
 */
import type { Notification } from '../persistence/records.js';
import type { ApplicationRecorder, SelectNotificationsOptions } from '../persistence/recorders.js';

/** A section of a notification log. */
export class Section {
  /**
   * Creates a section.
   *
   * @param id - `"first,last"` of the notifications returned, or null when there are none
   * @param items - the notifications
   * @param nextId - the id of the next section when this one came back full, else null
   */
  constructor(
    readonly id: string | null,
    readonly items: readonly Notification[],
    readonly nextId: string | null,
  ) {
    Object.freeze(this);
  }
}

/** A notification log, local or remote. */
export interface NotificationLog {
  /** The most notifications in a section, and in a selection, when the log says. */
  readonly sectionSize?: number | undefined;

  /**
   * Returns a section of the log.
   *
   * @param sectionId - two integers and a comma, such as `"1,10"`
   * @returns the section
   * @throws TypeError when the section id is malformed
   */
  section(sectionId: string): Promise<Section>;

  /**
   * Selects notifications by id.
   *
   * @param start - the first id to include
   * @param limit - the most to return, at most the section size
   * @param options - `stop` and `topics`
   * @returns the notifications
   * @throws RangeError when `limit` is above the section size
   */
  select(start: number, limit: number, options?: SelectNotificationsOptions): Promise<Notification[]>;
}

const SECTION_ID = /^(-?\d+),(-?\d+)$/;

/**
 * Parses a section id as the original does: `start = max(1, first)` and
 * `limit = min(max(0, last - start + 1), sectionSize)`.
 *
 * @param sectionId - such as `"1,10"`
 * @param sectionSize - the log's section size
 * @returns the start and limit to select
 * @throws TypeError when the section id is not two safe integers (up to 2^53 - 1 either way)
 *   and a comma
 */
export function parseSectionId(sectionId: string, sectionSize: number): { start: number; limit: number } {
  const match = SECTION_ID.exec(sectionId);
  const first = match === null ? Number.NaN : Number(match[1]);
  const last = match === null ? Number.NaN : Number(match[2]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) {
    throw new TypeError(
      `notification log: malformed section id ${JSON.stringify(sectionId)}; expected two safe integers and a comma, such as "1,10"`,
    );
  }
  const start = Math.max(1, first);
  const limit = Math.min(Math.max(0, last - start + 1), sectionSize);
  return { start, limit };
}

/**
 * Builds the section for the notifications selected for a requested start and limit.
 *
 * @param items - the notifications selected
 * @param limit - how many were asked for
 * @returns the section
 */
export function makeSection(items: readonly Notification[], limit: number): Section {
  const first = items[0];
  const last = items[items.length - 1];
  if (first === undefined || last === undefined) return new Section(null, items, null);
  const id = `${String(first.id)},${String(last.id)}`;
  const nextId = items.length === limit ? `${String(last.id + 1)},${String(last.id + limit)}` : null;
  return new Section(id, items, nextId);
}

/** The notification log of a local application recorder. */
export class LocalNotificationLog implements NotificationLog {
  /** The recorder the notifications come from. */
  readonly recorder: ApplicationRecorder;
  /** The most notifications in a section. */
  readonly sectionSize: number;

  /**
   * Creates a log.
   *
   * @param recorder - the application recorder
   * @param sectionSize - the most notifications in a section (10 by default)
   * @throws RangeError when the section size is not a positive safe integer
   */
  constructor(recorder: ApplicationRecorder, sectionSize = 10) {
    if (!Number.isSafeInteger(sectionSize) || sectionSize < 1) {
      throw new RangeError(
        `notification log: section size must be a positive integer, got ${String(sectionSize)}`,
      );
    }
    this.recorder = recorder;
    this.sectionSize = sectionSize;
  }

  async section(sectionId: string): Promise<Section> {
    const { start, limit } = parseSectionId(sectionId, this.sectionSize);
    const items = limit === 0 ? [] : await this.recorder.selectNotifications(start, limit);
    return makeSection(items, limit);
  }

  async select(start: number, limit: number, options?: SelectNotificationsOptions): Promise<Notification[]> {
    if (limit > this.sectionSize) {
      throw new RangeError(
        `notification log: limit ${String(limit)} is above the section size ${String(this.sectionSize)}`,
      );
    }
    return this.recorder.selectNotifications(start, limit, options);
  }
}

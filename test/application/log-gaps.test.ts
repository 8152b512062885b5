/**
 * Log sections over a recorder whose ids have gaps: a section reports the ids it actually
 * returns, and its next id follows the last of them.
 */
import { describe, expect, it } from 'vitest';
import {
  LocalNotificationLog,
  MemoryApplicationRecorder,
  Notification,
  type SelectNotificationsOptions,
  type StoredEvent,
} from '../../src/index.js';

/** A recorder that leaves a hole after every second id, as aborted transactions can. */
class GappyRecorder extends MemoryApplicationRecorder {
  override async insertEvents(events: readonly StoredEvent[]): Promise<readonly number[]> {
    const ids = await super.insertEvents(events);
    return ids.map((id) => gap(id));
  }
  override async selectNotifications(
    start: number,
    limit: number,
    options: SelectNotificationsOptions = {},
  ): Promise<Notification[]> {
    // Ids 1, 2, 4, 5, 7, 8, ...: id = dense + floor((dense - 1) / 2).
    const dense = Math.max(1, start - Math.floor(start / 3));
    const all = await super.selectNotifications(dense, limit + 2, {});
    return all
      .map((n) => new Notification(gap(n.id), n.originatorId, n.originatorVersion, n.topic, n.state))
      .filter((n) => n.id >= start && (options.stop === undefined || n.id <= options.stop))
      .slice(0, limit);
  }
}

function gap(dense: number): number {
  return dense + Math.floor((dense - 1) / 2);
}

describe('log sections over ids with gaps', () => {
  it('reports the ids actually returned, and the next section after the last', async () => {
    const recorder = new GappyRecorder();
    const state = new Uint8Array([1]);
    await recorder.insertEvents(
      Array.from({ length: 6 }, (_, i) => ({
        originatorId: 'a',
        originatorVersion: i + 1,
        topic: 't',
        state,
      })),
    );
    // The ids are 1, 2, 4, 5, 7, 8.
    expect((await recorder.selectNotifications(1, 10)).map((n) => n.id)).toEqual([1, 2, 4, 5, 7, 8]);

    const log = new LocalNotificationLog(recorder, 3);
    const first = await log.section('1,3');
    expect(first.items.map((n) => n.id)).toEqual([1, 2, 4]);
    expect(first.id).toBe('1,4');
    expect(first.nextId).toBe('5,7');

    const second = await log.section(first.nextId ?? '');
    expect(second.items.map((n) => n.id)).toEqual([5, 7, 8]);
    expect(second.id).toBe('5,8');
    expect(second.nextId).toBe('9,11');

    const third = await log.section(second.nextId ?? '');
    expect(third.items).toEqual([]);
    expect(third.id).toBeNull();
    expect(third.nextId).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { JsonTranscoder, memory } from '../../src/index.js';
import { World, Worlds } from '../../examples/world.js';
import { describeRecorder, newId, stored } from './recorder.suite.js';

describeRecorder('memory', { persistence: () => memory() });

describe('memory recorder: the bytes it keeps', () => {
  it('keeps a view of a transcoder block as it is, and copies any other view', async () => {
    const recorder = memory().applicationRecorder('kept');
    const id = newId();
    const fromBlock = new JsonTranscoder().encode({ n: 1 });
    const small = new Uint8Array(64).fill(7);
    const inSmall = small.subarray(10, 14);
    const pooled = new Uint8Array(new ArrayBuffer(8_192), 100, 4).fill(9);
    await recorder.insertEvents([
      { ...stored(id, 1), state: fromBlock },
      { ...stored(id, 2), state: inSmall },
      { ...stored(id, 3), state: pooled },
    ]);
    const events = await recorder.selectEvents(id);
    const notifications = await recorder.selectNotifications(1, 3);
    for (const kept of [events, notifications]) {
      // A block holds only states: the view is kept, with no copy per state.
      expect(kept[0]?.state).toBe(fromBlock);
      expect(fromBlock.buffer.byteLength).toBe(16_384);
      // Any other view, however small its buffer (a caller's, Node's Buffer pool), is copied:
      // a kept state never carries bytes that are not states.
      expect(Array.from(kept[1]?.state ?? [])).toEqual([7, 7, 7, 7]);
      expect(kept[1]?.state.buffer.byteLength).toBe(4);
      expect(Array.from(kept[2]?.state ?? [])).toEqual([9, 9, 9, 9]);
      expect(kept[2]?.state.buffer.byteLength).toBe(4);
    }
  });

  it('hands out the records it keeps frozen, so no reader changes what the next one reads', async () => {
    const persistence = memory();
    const recorder = persistence.applicationRecorder('frozen');
    const snapshots = persistence.snapshotRecorder('frozen');
    const id = newId();
    await recorder.insertEvents([stored(id, 1)]);
    await snapshots.insertEvents([stored(id, 1, 'Snapshot')]);
    // Reads give the kept records themselves (no copy): an assignment to one is refused.
    const records = [
      ...(await recorder.selectEvents(id)),
      ...(await recorder.selectNotifications(1, 1)),
      ...(await snapshots.selectEvents(id)),
    ];
    expect(records).toHaveLength(3);
    for (const record of records) {
      expect(() => {
        (record as { originatorVersion: number }).originatorVersion = 2;
      }).toThrow(TypeError);
      expect(() => {
        (record as { topic: string }).topic = 'changed';
      }).toThrow(TypeError);
    }
    expect((await recorder.selectEvents(id)).map((e) => [e.originatorVersion, e.topic])).toEqual([
      [1, 'topic1'],
    ]);
    expect((await recorder.selectNotifications(1, 1)).map((n) => [n.originatorVersion, n.topic])).toEqual([
      [1, 'topic1'],
    ]);
    expect((await snapshots.selectEvents(id)).map((e) => [e.originatorVersion, e.topic])).toEqual([
      [1, 'Snapshot'],
    ]);
  });

  it('keeps the states an application saves in the transcoder’s blocks, without copying them', async () => {
    const app = new Worlds();
    const world = World.create();
    for (let i = 0; i < 200; i++) world.makeItSo('dinosaurs');
    const recordings = await app.save(world);
    const notifications = await app.recorder.selectNotifications(1, 201);
    expect(notifications).toHaveLength(201);
    // The notification log holds the very bytes the mapper made, a few blocks for 201 states.
    notifications.forEach((notification, i) => {
      expect(notification.state).toBe(recordings[i]?.notification.state);
    });
    const blocks = new Set(notifications.map((n) => n.state.buffer));
    expect(blocks.size).toBeLessThan(10);
    for (const block of blocks) expect(block.byteLength).toBe(16_384);
    expect((await app.repository.get<World>(world.id)).history).toHaveLength(200);
  });
});

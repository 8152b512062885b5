import { describe, expect, it } from 'vitest';
import { memory } from '../../src/index.js';
import { World, Worlds } from '../../examples/world.js';
import { describeRecorder, newId, stored } from './recorder.suite.js';

describeRecorder('memory', { persistence: () => memory() });

describe('memory recorder: the bytes it keeps', () => {
  it('keeps a view of a buffer of at most 16 KiB as it is, and copies a view of a larger one', async () => {
    const recorder = memory().applicationRecorder('kept');
    const id = newId();
    const block = new Uint8Array(16_384).fill(7);
    const larger = new Uint8Array(16_385).fill(9);
    const inBlock = block.subarray(100, 104);
    const inLarger = larger.subarray(100, 104);
    await recorder.insertEvents([
      { ...stored(id, 1), state: inBlock },
      { ...stored(id, 2), state: inLarger },
    ]);
    const [first, second] = await recorder.selectEvents(id);
    // The view of a block-sized buffer is kept (a transcoder's block holds other states of
    // the same application, which the recorder keeps too): no copy per state.
    expect(first?.state).toBe(inBlock);
    // A view of anything larger is copied, so no state holds on to more than a block.
    expect(second?.state).not.toBe(inLarger);
    expect(second?.state.buffer.byteLength).toBe(4);
    expect(Array.from(second?.state ?? [])).toEqual([9, 9, 9, 9]);
    const notifications = await recorder.selectNotifications(1, 2);
    expect(notifications[0]?.state).toBe(inBlock);
    expect(notifications[1]?.state.buffer.byteLength).toBe(4);
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

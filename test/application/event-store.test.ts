/**
 * The event store's `put`, with a mapper whose `mapEvents` gives its stored events later.
 */
import { describe, expect, it } from 'vitest';
import { EventStore, Mapper, type DomainEvent, type StoredEvent } from '../../src/index.js';
import { World, Worlds } from '../../examples/world.js';

/** A mapper that gives its stored events through a thenable of its own (as a JavaScript override might). */
class ThenableMapper extends Mapper {
  override mapEvents(events: readonly DomainEvent[]): StoredEvent[] | Promise<StoredEvent[]> {
    const stored = super.mapEvents(events);
    const thenable = {
      then(resolve: (value: StoredEvent[] | Promise<StoredEvent[]>) => void): void {
        resolve(stored);
      },
    };
    return thenable as unknown as Promise<StoredEvent[]>;
  }
}

describe('the event store', () => {
  it('records what a mapper gives through any thenable, and returns its recordings', async () => {
    const app = new Worlds();
    const store = new EventStore(new ThenableMapper(app.transcoder, app.topics), app.recorder);
    const world = World.create();
    world.makeItSo('dinosaurs');
    const events = world.collectEvents();
    const recordings = await store.put(events);
    expect(recordings.map((r) => [r.notification.id, r.domainEvent])).toEqual([
      [1, events[0]],
      [2, events[1]],
    ]);
    expect((await app.repository.get<World>(world.id)).history).toEqual(['dinosaurs']);
  });
});

/**
 * Aggregates and domain events: creation, triggering, the checks made when applying an
 * event, immutability, and the topic registry.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  Aggregate,
  AggregateCreated,
  AggregateEvent,
  Application,
  OriginatorIdError,
  OriginatorVersionError,
  TopicError,
  Topics,
  TranscodingError,
  makeEvent,
  type AggregateClass,
} from '../../src/index.js';
import { SomethingHappened, World, WorldCreated, Worlds } from '../../examples/world.js';

class Failed extends AggregateEvent<World> {
  static readonly topic = 'World.Failed';
  override apply(world: World): void {
    world.history.push('half-done');
    throw new Error('apply failed');
  }
}

describe('Aggregate', () => {
  it('is created at version 1 with a uuid v4 id and one pending event', () => {
    const world = World.create();
    expect(world.version).toBe(1);
    expect(world.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(world.createdOn).toBeInstanceOf(Date);
    expect(world.modifiedOn.getTime()).toBe(world.createdOn.getTime());
    const [created] = world.collectEvents();
    expect(created).toBeInstanceOf(WorldCreated);
    expect((created as WorldCreated).originatorTopic).toBe('World');
  });

  it('gets a new random uuid v4 id each time, across many fills of the random pool', () => {
    // 3,000 ids: the generator draws random bytes for 256 ids at a time.
    const ids = Array.from({ length: 3_000 }, () => World.create().id);
    const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(ids.filter((id) => !uuidV4.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    // Every random hex digit takes all 16 values somewhere (the variant digit its 4), and
    // none is far from uniform: 3,000 draws put about 187 on each value (bounds at ±50%).
    const digits = ids.map((id) => id.replaceAll('-', ''));
    for (let position = 0; position < 32; position++) {
      if (position === 12) continue; // the version, 4
      const counts = new Map<string, number>();
      for (const hex of digits)
        counts.set(hex[position] as string, (counts.get(hex[position] as string) ?? 0) + 1);
      const expected = position === 16 ? 4 : 16;
      expect(counts.size, `digit ${String(position)}`).toBe(expected);
      const mean = ids.length / expected;
      expect(Math.min(...counts.values()), `digit ${String(position)}`).toBeGreaterThan(mean * 0.5);
      expect(Math.max(...counts.values()), `digit ${String(position)}`).toBeLessThan(mean * 1.5);
    }
  });

  it('makes each id from 16 random bytes of its own, drawn 256 ids at a time', () => {
    // A stub random source whose every byte tells its position in the pool: each id must show
    // the next 16 positions, with the version and variant bits set, and no byte used twice.
    const fill = vi
      .spyOn(crypto, 'getRandomValues')
      .mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
        const bytes = array as unknown as Uint8Array;
        for (let i = 0; i < bytes.length; i++) bytes[i] = i & 0xff;
        return array;
      });
    try {
      const expected = (slot: number): string => {
        const bytes = Array.from({ length: 16 }, (_, j) => (16 * slot + j) & 0xff);
        bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
        bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
        const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      };
      // Ids from the pool filled before the stub first, until the stub fills it.
      let id = World.create().id;
      for (let i = 0; fill.mock.calls.length === 0 && i < 256; i++) id = World.create().id;
      expect(fill).toHaveBeenCalledTimes(1);
      const ids = [id, ...Array.from({ length: 255 }, () => World.create().id)];
      expect(ids).toEqual(Array.from({ length: 256 }, (_, slot) => expected(slot)));
      expect(fill).toHaveBeenCalledTimes(1);
      // The next id needs a new fill, and starts at its first bytes.
      expect(World.create().id).toBe(expected(0));
      expect(fill).toHaveBeenCalledTimes(2);
    } finally {
      fill.mockRestore();
    }
  });

  it('triggers events that apply at once and wait to be collected', () => {
    const world = World.create();
    world.makeItSo('dinosaurs');
    world.makeItSo('trucks');
    expect(world.version).toBe(3);
    expect(world.history).toEqual(['dinosaurs', 'trucks']);
    const events = world.collectEvents();
    expect(events.map((e) => e.originatorVersion)).toEqual([1, 2, 3]);
    expect(events[2]).toBeInstanceOf(SomethingHappened);
    expect(world.modifiedOn.getTime()).toBe(events[2]?.timestamp.getTime());
    // Collecting drains the pending events.
    expect(world.collectEvents()).toEqual([]);
  });

  it('makes immutable events', () => {
    const world = World.create();
    world.makeItSo('dinosaurs');
    const event = world.collectEvents()[1] as SomethingHappened;
    expect(Object.isFrozen(event)).toBe(true);
    expect(() => {
      (event as unknown as { what: string }).what = 'changed';
    }).toThrow(TypeError);
    expect(event.what).toBe('dinosaurs');
  });

  it("gives createdOn and modifiedOn dates of their own, so changing one changes no event's timestamp", async () => {
    const app = new Worlds();
    const world = World.create();
    const created = world.createdOn.getTime();
    // A date changed in place, as display code may do, is the aggregate's own copy.
    world.createdOn.setTime(0);
    expect(world.modifiedOn.getTime()).toBe(created);
    world.makeItSo('dinosaurs');
    const happened = world.modifiedOn.getTime();
    world.modifiedOn.setTime(0);
    const [first, second] = world.collectEvents();
    expect(first?.timestamp.getTime()).toBe(created);
    expect(second?.timestamp.getTime()).toBe(happened);
    // Changed before a save, the dates of another World change nothing stored.
    const saved = World.create();
    const savedOn = saved.createdOn.getTime();
    saved.createdOn.setTime(1);
    saved.modifiedOn.setTime(2);
    await app.save(saved);
    const read = await app.repository.get<World>(saved.id);
    expect([read.createdOn.getTime(), read.modifiedOn.getTime()]).toEqual([savedOn, savedOn]);
  });

  it('accepts any string id', () => {
    // Event classes come before the aggregate class that lists them.
    class NamedCreated extends AggregateCreated<Named> {
      static readonly topic = 'Named.Created';
    }
    class Named extends Aggregate {
      static readonly topic = 'Named';
      static readonly events = [NamedCreated];
      static create(id: string): Named {
        return this.createAggregate(NamedCreated, {}, { id });
      }
    }
    expect(Named.create('user@example.com').id).toBe('user@example.com');
  });

  it('refuses an event of another aggregate', () => {
    const world = World.create();
    const other = World.create();
    const event = makeEvent(SomethingHappened, other.id, 2, new Date(), { what: 'x' });
    expect(() => event.mutate(world)).toThrow(OriginatorIdError);
    expect(world.version).toBe(1);
  });

  it('refuses an event whose version does not follow the aggregate', () => {
    const world = World.create();
    const skipping = makeEvent(SomethingHappened, world.id, 3, new Date(), { what: 'x' });
    expect(() => skipping.mutate(world)).toThrow(OriginatorVersionError);
    const repeating = makeEvent(SomethingHappened, world.id, 1, new Date(), { what: 'x' });
    expect(() => repeating.mutate(world)).toThrow(OriginatorVersionError);
    expect(world.version).toBe(1);
    expect(world.history).toEqual([]);
  });

  it('refuses a created event on an aggregate that has events already', async () => {
    const world = World.create();
    world.makeItSo('dinosaurs');
    // Triggered on a live aggregate, a created event would start its state over.
    const again = makeEvent(WorldCreated, world.id, 3, new Date(), { originatorTopic: 'World' });
    expect(() => again.mutate(world)).toThrow(OriginatorVersionError);
    expect(world.version).toBe(2);
    expect(world.history).toEqual(['dinosaurs']);
    // Stored after the first event (by something else), it is refused when read back.
    const app = new Worlds();
    await app.save(world);
    await app.events.put([again]);
    await expect(app.repository.get(world.id)).rejects.toThrow(OriginatorVersionError);
    await expect(app.repository.get(world.id, { version: 2 })).resolves.toMatchObject({ version: 2 });
  });

  it('leaves version and modifiedOn as they were when apply throws', () => {
    const world = World.create();
    const modifiedOn = world.modifiedOn;
    const event = makeEvent(Failed, world.id, 2, new Date(modifiedOn.getTime() + 1000), {});
    expect(() => event.mutate(world)).toThrow('apply failed');
    expect(world.version).toBe(1);
    expect(world.modifiedOn).toBe(modifiedOn);
  });
});

describe('the default apply of a created event', () => {
  class ListCreated extends AggregateCreated<List> {
    static readonly topic = 'List.Created';
    declare readonly items: string[];
    declare readonly meta: { tags: Set<string>; counts: Map<string, number[]>; when: Date };
  }
  class Added extends AggregateEvent<List> {
    static readonly topic = 'List.Added';
    declare readonly item: string;
    override apply(list: List): void {
      list.items.push(this.item);
      list.meta.tags.add(this.item);
      list.meta.counts.get('n')?.push(1);
      list.meta.when.setTime(0);
    }
  }
  class List extends Aggregate {
    static readonly topic = 'List';
    static readonly events = [ListCreated, Added];
    items: string[] = [];
    meta = { tags: new Set<string>(), counts: new Map<string, number[]>(), when: new Date() };
    static create(items: string[]): List {
      const meta = { tags: new Set(items), counts: new Map([['n', [0]]]), when: new Date(1_000) };
      return this.createAggregate(ListCreated, { items, meta });
    }
    add(item: string): void {
      this.triggerEvent(Added, { item });
    }
  }
  class Lists extends Application {
    static override readonly applicationName = 'Lists';
    static override readonly aggregates = [List];
  }

  it('refuses a payload that holds itself with a TranscodingError, not a stack overflow', () => {
    const items: unknown[] = [];
    items.push(items);
    expect(() => List.create(items as string[])).toThrow(TranscodingError);
  });

  it('refuses a payload field named after a base field of the aggregate', () => {
    class Named extends AggregateCreated<Tagged> {
      static readonly topic = 'Tagged.Named';
      declare readonly id: string;
      declare readonly createdOn: Date;
    }
    class Tagged extends Aggregate {
      static readonly topic = 'Tagged';
      static readonly events = [Named];
      static make(payload: { id: string; createdOn: Date }): Tagged {
        return this.createAggregate(Named, payload, { id: 'the-id' });
      }
    }
    // Copied onto the aggregate, `id` would replace the created event's originator id.
    expect(() => Tagged.make({ id: 'other', createdOn: new Date(0) })).toThrow(
      /Tagged\.Named: a created event's payload field cannot be named 'id'/,
    );
    expect(() => Tagged.make({ id: 'other', createdOn: new Date(0) })).toThrow(TypeError);
  });

  it('leaves a field given as undefined at its initial value, live as after a replay', async () => {
    class Chosen extends AggregateCreated<Picker> {
      static readonly topic = 'Picker.Chosen';
      declare readonly choice: string | undefined;
    }
    class Picker extends Aggregate {
      static readonly topic = 'Picker';
      static readonly events = [Chosen];
      choice: string | undefined = 'default';
      static create(choice: string | undefined): Picker {
        return this.createAggregate(Chosen, { choice });
      }
    }
    class Pickers extends Application {
      static override readonly applicationName = 'Pickers';
      static override readonly aggregates = [Picker];
    }
    const app = new Pickers();
    const picker = Picker.create(undefined);
    // JSON has no undefined: the field is not stored, so a replay keeps the initial value.
    expect(picker.choice).toBe('default');
    await app.save(picker);
    expect((await app.repository.get<Picker>(picker.id)).choice).toBe('default');
    expect(Picker.create('mine').choice).toBe('mine');
  });

  it('copies the payload, so later events never change what the created event stores', async () => {
    const app = new Lists();
    const list = List.create(['a']);
    list.add('b');
    const [created] = list.collectEvents() as [ListCreated, Added];
    // The created event still says what it said when it was made.
    expect(created.items).toEqual(['a']);
    expect([...created.meta.tags]).toEqual(['a']);
    expect(created.meta.counts.get('n')).toEqual([0]);
    expect(created.meta.when.getTime()).toBe(1_000);
    // Saved and replayed, the aggregate is what it was.
    const again = List.create(['a']);
    again.add('b');
    await app.save(again);
    const read = await app.repository.get<List>(again.id);
    expect(read.items).toEqual(['a', 'b']);
    expect([...read.meta.tags]).toEqual(['a', 'b']);
    expect(read.meta.counts.get('n')).toEqual([0, 1]);
  });

  it("copies bytes into memory of their own, a Node Buffer's too (its slice is a view)", () => {
    class BytesCreated extends AggregateCreated<Blob_> {
      static readonly topic = 'Blob.Created';
      declare readonly data: Uint8Array;
    }
    class Blob_ extends Aggregate {
      static readonly topic = 'Blob';
      static readonly events = [BytesCreated];
      data = new Uint8Array(0);
      static create(data: Uint8Array): Blob_ {
        return this.createAggregate(BytesCreated, { data });
      }
    }
    const given = Buffer.from('abc');
    const blob = Blob_.create(given);
    given[0] = 0x7a;
    expect(new TextDecoder().decode(blob.data)).toBe('abc');
    expect(blob.data.buffer).not.toBe(given.buffer);
  });
});

describe('Topics', () => {
  it('registers an aggregate and its events, and finds them by topic', () => {
    const topics = new Topics();
    topics.registerAggregate(World);
    expect(topics.aggregateClass('World')).toBe(World);
    expect(topics.eventClass('World.SomethingHappened')).toBe(SomethingHappened);
    expect(topics.topicOf(World.create().collectEvents()[0] as WorldCreated)).toBe('World.Created');
  });

  it('names the topic when no class is registered for it', () => {
    const topics = new Topics();
    expect(() => topics.eventClass('World.Unknown')).toThrow(TopicError);
    expect(() => topics.eventClass('World.Unknown')).toThrow("'World.Unknown'");
    expect(() => topics.aggregateClass('Nowhere')).toThrow("'Nowhere'");
  });

  it('refuses a class without a topic of its own', () => {
    class Inherited extends SomethingHappened {}
    expect(() => {
      new Topics().registerEvent(Inherited);
    }).toThrow(/Inherited needs its own static topic/);
  });

  it('refuses an aggregate class without a static events list (from plain JavaScript)', () => {
    class Bare extends Aggregate {
      static readonly topic = 'Bare';
    }
    expect(() => {
      new Topics().registerAggregate(Bare as unknown as AggregateClass);
    }).toThrow(/aggregate class Bare needs a static events list/);
  });

  it('refuses an events list that holds what is not a class, registering nothing of the aggregate', () => {
    // An event class not yet defined when the list was made (an import cycle in code compiled
    // to CommonJS, or a bundle that turns classes into variables) is undefined in the list.
    class Gappy extends Aggregate {
      static readonly topic = 'Gappy';
      static readonly events = [WorldCreated, undefined, SomethingHappened];
    }
    const topics = new Topics();
    const error = (() => {
      try {
        topics.registerAggregate(Gappy as unknown as AggregateClass);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TopicError);
    expect((error as Error).message).toMatch(/aggregate class Gappy lists undefined at events\[1\]/);
    // Nothing of it was registered: not the aggregate, not the event class before the gap.
    expect(topics.hasAggregateClass(Gappy as unknown as AggregateClass)).toBe(false);
    expect(() => topics.eventClass('World.Created')).toThrow(TopicError);
    // A topic taken by another class leaves nothing registered either.
    class Impostor extends AggregateEvent {
      static readonly topic = 'World.SomethingHappened';
    }
    class Taken extends Aggregate {
      static readonly topic = 'Taken';
      static readonly events = [WorldCreated, Impostor];
    }
    const fresh = new Topics();
    fresh.registerEvent(SomethingHappened);
    expect(() => {
      fresh.registerAggregate(Taken);
    }).toThrow(/already registered/);
    expect(fresh.hasAggregateClass(Taken)).toBe(false);
    expect(() => fresh.eventClass('World.Created')).toThrow(TopicError);
    // Nor does a list of two classes of one topic.
    class Twice extends Aggregate {
      static readonly topic = 'Twice';
      static readonly events = [SomethingHappened, Impostor];
    }
    expect(() => {
      new Topics().registerAggregate(Twice);
    }).toThrow(/'World.SomethingHappened' is already registered/);
  });

  it('refuses a topic taken by another class', () => {
    class Impostor extends AggregateEvent {
      static readonly topic = 'World.SomethingHappened';
    }
    const topics = new Topics();
    topics.registerAggregate(World);
    expect(() => {
      topics.registerEvent(Impostor);
    }).toThrow(/already registered/);
  });

  it('refuses to save an event whose class the application does not know', async () => {
    class Strangers extends Application {
      static override readonly applicationName = 'Strangers';
    }
    const app = new Strangers();
    // The aggregate's class is not listed, so its events are not either.
    const world = World.create();
    await expect(app.save(world)).rejects.toThrow(TopicError);
    await expect(app.save(world)).rejects.toThrow(/aggregate class World is not one of its aggregates/);
    // An event class its (listed) aggregate does not list.
    class Unlisted extends AggregateEvent<Restless> {
      static readonly topic = 'Restless.Unlisted';
    }
    class Started extends AggregateCreated<Restless> {
      static readonly topic = 'Restless.Started';
    }
    class Restless extends Aggregate {
      static readonly topic = 'Restless';
      static readonly events = [Started];
      static create(): Restless {
        return this.createAggregate(Started, {});
      }
      wander(): void {
        this.triggerEvent(Unlisted, {});
      }
    }
    class Wanderers extends Application {
      static override readonly applicationName = 'Wanderers';
      static override readonly aggregates = [Restless];
    }
    const wanderers = new Wanderers();
    const restless = Restless.create();
    restless.wander();
    await expect(wanderers.save(restless)).rejects.toThrow(/Unlisted is not registered/);
    expect(restless.collectEvents()).toHaveLength(2);
    expect(await app.recorder.maxNotificationId()).toBe(0);
    expect(await wanderers.recorder.maxNotificationId()).toBe(0);
  });

  it('refuses to save an aggregate of a subclass it does not list, though its events are listed', async () => {
    class PlanetCreated extends AggregateCreated<Planet> {
      static readonly topic = 'Planet.Created';
    }
    class Planet extends Aggregate {
      static readonly topic: string = 'Planet';
      static readonly events = [PlanetCreated];
      static create(): Planet {
        return this.createAggregate(PlanetCreated, {});
      }
    }
    class BigPlanet extends Planet {
      static override readonly topic: string = 'BigPlanet';
    }
    // No topic of its own: it would be read back as a Planet.
    class SamePlanet extends Planet {}
    class Planets extends Application {
      static override readonly applicationName = 'Planets';
      static override readonly aggregates = [Planet];
    }
    const app = new Planets();
    await app.save(Planet.create());
    for (const world of [BigPlanet.create(), SamePlanet.create()]) {
      const error = await app.save(world).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TopicError);
      expect((error as Error).message).toMatch(
        new RegExp(`aggregate class ${world.constructor.name} is not one of its aggregates`),
      );
      // Its event is still pending; nothing was written.
      expect(world.collectEvents()).toHaveLength(1);
    }
    expect(await app.recorder.maxNotificationId()).toBe(1);
  });

  it('refuses a save with an argument that is not an aggregate, before collecting from any', async () => {
    const app = new Worlds();
    const world = World.create();
    world.makeItSo('dinosaurs');
    const error = await app.save(world, undefined as unknown as World).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/argument 2 is undefined; nothing was saved/);
    // The first argument's events were not collected, so they are still there to save.
    expect(world.collectEvents()).toHaveLength(2);
    expect(await app.recorder.maxNotificationId()).toBe(0);
  });

  it('gives a TopicError naming a stored topic with no registered class', async () => {
    const app = new Worlds();
    await app.createWorld();
    const [n] = await app.log.select(1, 1);
    const stranger = {
      originatorId: n?.originatorId ?? '',
      originatorVersion: 1,
      topic: 'World.Vanished',
      state: n?.state ?? new Uint8Array(),
    };
    await expect(app.mapper.toDomainEvent(stranger)).rejects.toThrow(
      new TopicError("no event class is registered for topic 'World.Vanished'"),
    );
  });
});

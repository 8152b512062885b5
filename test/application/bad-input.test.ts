/**
 * What happens on bad input: each outcome here is stated in the README.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  Aggregate,
  AggregateCreated,
  AggregateEvent,
  AggregateNotFoundError,
  Application,
  ConfigurationError,
  type ApplicationConfig,
  LocalNotificationLog,
  Snapshot,
  TopicError,
  TranscodingError,
  type AggregateClass,
  makeEvent,
  memory,
} from '../../src/index.js';
import { SomethingHappened, World, Worlds } from '../../examples/world.js';

class NoteCreated extends AggregateCreated<Note> {
  static readonly topic = 'Note.Created';
  declare readonly text: string;
}

class NoteEdited extends AggregateEvent<Note> {
  static readonly topic = 'Note.Edited';
  declare readonly text: string;

  override apply(note: Note): void {
    note.text = this.text;
  }
}

/** An aggregate whose commands take their input as it comes (typed, but parsed at run time). */
class Note extends Aggregate {
  static readonly topic = 'Note';
  static readonly events = [NoteCreated, NoteEdited];
  text = '';

  static create(input: { text: string }): Note {
    return this.createAggregate(NoteCreated, input);
  }

  edit(input: { text: string }): void {
    this.triggerEvent(NoteEdited, input);
  }
}

class ProfileCreated extends AggregateCreated<Profile> {
  static readonly topic = 'Profile.Created';
  declare readonly name: string;
}

/** An aggregate whose name is kept through an accessor with a setter. */
class Profile extends Aggregate {
  static readonly topic = 'Profile';
  static readonly events = [ProfileCreated];
  trimmed = '';

  get name(): string {
    return this.trimmed;
  }

  set name(value: string) {
    this.trimmed = value.trim();
  }

  static create(name: string): Profile {
    return this.createAggregate(ProfileCreated, { name });
  }
}

class Profiles extends Application {
  static override readonly applicationName = 'Profiles';
  static override readonly aggregates = [Profile];
}

class BadgeCreated extends AggregateCreated<Badge> {
  static readonly topic = 'Badge.Created';
  declare readonly label: string;
}

/** An aggregate with a read-only accessor of the name its created event's field has. */
class Badge extends Aggregate {
  static readonly topic = 'Badge';
  static readonly events = [BadgeCreated];

  get label(): string {
    return 'fixed';
  }

  static create(label: string): Badge {
    return this.createAggregate(BadgeCreated, { label });
  }
}

class Notes extends Application {
  static override readonly applicationName = 'Notes';
  static override readonly aggregates = [Note];
}

/** A stored event's timestamp field, as the transcoder writes it. */
const STORED_TIMESTAMP = '"timestamp":{"_type_":"datetime_iso","_data_":"2026-11-28T12:00:00+00:00"}';

/**
 * A World with one event after its created event, and a snapshot at version 2 stored as if by
 * something else: a snapshot event's JSON whose state part is given as it is.
 *
 * @param state - the JSON after the snapshot's topic (`,"state":...`, or nothing)
 * @returns the application and the World's id
 */
async function worldWithStoredSnapshot(state: string): Promise<{ app: Worlds; id: string }> {
  const app = new Worlds({ snapshotting: true });
  const id = await app.createWorld();
  await app.makeItSo(id, 'dinosaurs');
  await app.snapshots?.recorder.insertEvents([
    {
      originatorId: id,
      originatorVersion: 2,
      topic: 'eventsourcing.domain:Snapshot',
      state: new TextEncoder().encode(`{${STORED_TIMESTAMP},"topic":"World"${state}}`),
    },
  ]);
  return { app, id };
}

async function threeWorlds(): Promise<Worlds> {
  const app = new Worlds();
  for (let i = 0; i < 3; i++) await app.createWorld();
  return app;
}

describe('bad input', () => {
  it('throws a TypeError for malformed section ids', async () => {
    const app = await threeWorlds();
    const huge = '9'.repeat(400);
    for (const bad of [
      'a,b',
      '5',
      '',
      '1,',
      ',1',
      '1,2,3',
      ' 1,2',
      '1.5,2',
      `${huge},${huge}`,
      '1,9007199254740992',
    ]) {
      await expect(app.log.section(bad), bad).rejects.toThrow(TypeError);
    }
    await expect(app.log.section('a,b')).rejects.toThrow(/malformed section id "a,b"/);
  });

  it('clamps a section that starts below 1, as the original does', async () => {
    const app = await threeWorlds();
    // "-1,3": start becomes 1 and the limit is 3 - 1 + 1 = 3.
    const section = await app.log.section('-1,3');
    expect(section.id).toBe('1,3');
    expect(section.items.map((n) => n.id)).toEqual([1, 2, 3]);
    // "0,1": start 1, limit 1.
    expect((await app.log.section('0,1')).id).toBe('1,1');
  });

  it('gives an empty section when the requested range is empty or past the end', async () => {
    const app = await threeWorlds();
    // "3,2": the limit is max(0, 2 - 3 + 1) = 0, so nothing is selected.
    const reversed = await app.log.section('3,2');
    expect(reversed.id).toBeNull();
    expect(reversed.items).toEqual([]);
    expect(reversed.nextId).toBeNull();
    const past = await app.log.section('11,20');
    expect(past.id).toBeNull();
    expect(past.nextId).toBeNull();
  });

  it('refuses version 0, negative and fractional versions with a RangeError', async () => {
    const app = await threeWorlds();
    const [n] = await app.log.select(1, 1);
    const id = n?.originatorId ?? '';
    for (const version of [0, -1, 1.5, Number.NaN, Infinity]) {
      // Refused by the repository itself, before any recorder is asked.
      await expect(app.repository.get(id, { version })).rejects.toThrow(
        new RangeError(`repository: version must be a positive integer, got ${String(version)}`),
      );
    }
  });

  it('stops repository.get before its next read once its signal is aborted', async () => {
    const app = new Worlds({ snapshotting: true });
    const worldId = await app.createWorld();
    const controller = new AbortController();
    const reason = new Error('test: stopped');
    controller.abort(reason);
    const read = vi.spyOn(app.recorder, 'selectEvents');
    const snapshots = app.snapshots?.recorder;
    if (snapshots === undefined) throw new Error('test: snapshotting is on');
    const readSnapshots = vi.spyOn(snapshots, 'selectEvents');
    await expect(app.repository.get(worldId, { signal: controller.signal })).rejects.toBe(reason);
    // Aborted before the get began: neither the snapshots nor the events were read.
    expect(readSnapshots).not.toHaveBeenCalled();
    expect(read).not.toHaveBeenCalled();
    // Not aborted, it reads as without one.
    const world = await app.repository.get<World>(worldId, { signal: new AbortController().signal });
    expect(world.version).toBe(1);
  });

  it('throws AggregateNotFoundError for a missing aggregate', async () => {
    const app = await threeWorlds();
    await expect(app.repository.get('no-such-world')).rejects.toBeInstanceOf(AggregateNotFoundError);
    await expect(app.getWorldHistory('no-such-world')).rejects.toThrow(/aggregate no-such-world not found/);
  });

  it('saves nothing and returns [] when nothing is pending', async () => {
    const app = new Worlds();
    const world = World.create();
    world.collectEvents();
    expect(await app.save(world)).toEqual([]);
    expect(await app.recorder.maxNotificationId()).toBe(0);
  });

  it('refuses a __proto__ key in stored state: such a save writes nothing, such state is not read', async () => {
    const app = new Worlds();
    const world = World.create();
    world.makeItSo('fine');
    // Untyped data from outside (a parsed request body) with a __proto__ key of its own.
    world.makeItSo(JSON.parse('{"__proto__":{"polluted":true}}') as string);
    await expect(app.save(world)).rejects.toThrow(TranscodingError);
    expect(await app.recorder.maxNotificationId()).toBe(0);
    // State written by something else with such a key would replace a prototype when copied.
    const state = new TextEncoder().encode(
      '{"timestamp":{"_type_":"datetime_iso","_data_":"2026-11-27T13:14:01.123+00:00"},"what":{"__proto__":{"polluted":true}}}',
    );
    await app.recorder.insertEvents([
      { originatorId: 'x', originatorVersion: 1, topic: 'World.SomethingHappened', state },
    ]);
    const [notification] = await app.log.select(1, 1);
    if (notification === undefined) throw new Error('test: no notification');
    await expect(app.mapper.toDomainEvent(notification)).rejects.toThrow(/'__proto__' key/);
  });

  it('refuses a __proto__ key at the top of a payload when the event is made', () => {
    const world = World.create();
    // Assigned to the event, the key would replace its prototype (and so its apply).
    const payload = JSON.parse('{"what":"x","__proto__":{}}') as { what: string };
    expect(() => makeEvent(SomethingHappened, world.id, 2, new Date(), payload)).toThrow(TranscodingError);
    expect(() => makeEvent(SomethingHappened, world.id, 2, new Date(), payload)).toThrow(
      /World\.SomethingHappened: an event's payload has a '__proto__' key/,
    );
  });

  it('refuses a payload field that the event sets itself or that names a member of its class or aggregate', async () => {
    const app = new Notes();
    const note = Note.create({ text: 'a' });
    await app.save(note);
    // Untyped data from outside (a parsed request body): the compiler cannot keep such keys out.
    for (const key of [
      'timestamp',
      'originatorId',
      'originatorVersion',
      'constructor',
      'apply',
      'mutate',
      'toString',
    ]) {
      const input = JSON.parse(`{"text":"b","${key}":"x"}`) as { text: string };
      const error = (() => {
        try {
          note.edit(input);
        } catch (e: unknown) {
          return e;
        }
        return undefined;
      })();
      expect(error, key).toBeInstanceOf(TypeError);
      expect((error as Error).message, key).toMatch(
        new RegExp(`^Note\\.Edited: an event's payload cannot have a field named '${key}'`),
      );
    }
    // No event was made: the aggregate is as it was, and a save finds nothing pending.
    expect(note.version).toBe(1);
    expect(note.text).toBe('a');
    expect(await app.save(note)).toEqual([]);
    expect(await app.recorder.maxNotificationId()).toBe(1);
    // A created event's payload: the event's base fields, and the aggregate's members.
    expect(() =>
      Note.create(JSON.parse('{"text":"a","originatorTopic":"Other"}') as { text: string }),
    ).toThrow(/^Note\.Created: an event's payload cannot have a field named 'originatorTopic'/);
    expect(() => Note.create(JSON.parse('{"text":"a","edit":"x"}') as { text: string })).toThrow(
      /^Note\.Created: a created event's payload field cannot be named 'edit', which names a method \(or an accessor without a setter\) of the aggregate's class/,
    );
    // The same payloads without such keys make events as before.
    note.edit({ text: 'b' });
    expect((await app.save(note)).map((r) => r.notification.id)).toEqual([2]);
    expect((await app.repository.get<Note>(note.id)).text).toBe('b');
  });

  it('lets through what names no method: an aggregate setter, a repeated originator, a topic outside created events', async () => {
    // A created event's field that an accessor with a setter of the aggregate takes.
    const profile = Profile.create('  Ada ');
    expect(profile.name).toBe('Ada');
    const app = new Profiles();
    await app.save(profile);
    expect((await app.repository.get<Profile>(profile.id)).name).toBe('Ada');
    // An accessor without a setter cannot take it.
    expect(() => Badge.create('x')).toThrow(
      /^Badge\.Created: a created event's payload field cannot be named 'label', which names a method \(or an accessor without a setter\)/,
    );
    // makeEvent with a copy of an event: the originator's id and version repeated, not contradicted.
    const world = World.create();
    world.makeItSo('a');
    const [, event] = world.collectEvents() as [unknown, SomethingHappened];
    const fields = { ...(event as unknown as Record<string, unknown>) };
    const copy = makeEvent(SomethingHappened, event.originatorId, event.originatorVersion, event.timestamp, {
      ...fields,
      what: 'b',
    });
    expect([copy.originatorId, copy.originatorVersion, copy.what]).toEqual([world.id, 2, 'b']);
    expect(() =>
      makeEvent(SomethingHappened, event.originatorId, 3, event.timestamp, { ...fields, what: 'b' }),
    ).toThrow(/has a field 'originatorVersion'/);
    // originatorTopic means something in a created event only.
    const note = Note.create({ text: 'a' });
    note.edit(JSON.parse('{"text":"b","originatorTopic":"x"}') as { text: string });
    expect(note.text).toBe('b');
  });

  it('refuses a field named as an accessor of the event class without running the accessor', () => {
    class Named extends AggregateEvent {
      static readonly topic = 'Named';
      declare readonly name: string;
      get shout(): string {
        return this.name.toUpperCase();
      }
    }
    for (const payload of [
      { shout: 'A', name: 'a' },
      { name: 'a', shout: 'A' },
    ]) {
      expect(() => makeEvent(Named, 'x', 2, new Date(), payload)).toThrow(
        /^Named event x v2 has a field 'shout', which the event sets itself or its class has as a member$/,
      );
    }
  });

  it('refuses stored state with a field the event sets itself or that names a member of its class', async () => {
    const app = new Worlds();
    const keys = ['originatorId', 'originatorVersion', 'apply', 'constructor'];
    await app.recorder.insertEvents(
      keys.map((key, i) => ({
        originatorId: 'x',
        originatorVersion: i + 1,
        topic: 'World.SomethingHappened',
        state: new TextEncoder().encode(`{${STORED_TIMESTAMP},"what":"w","${key}":"y"}`),
      })),
    );
    const notifications = await app.log.select(1, keys.length);
    expect(notifications).toHaveLength(keys.length);
    for (const [i, notification] of notifications.entries()) {
      const error = await app.mapper.toDomainEvent(notification).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TranscodingError);
      expect((error as Error).message).toContain(
        `World.SomethingHappened event x v${String(i + 1)} has a field '${keys[i] as string}'`,
      );
    }
  });

  it('refuses stored state that is not a JSON object with a timestamp, naming the event', async () => {
    const app = new Worlds();
    const texts = ['null', '[1,2]', '7', '"text"', '{"what":"no timestamp"}', '{"timestamp":"2026-11-27"}'];
    await app.recorder.insertEvents(
      texts.map((text, i) => ({
        originatorId: 'x',
        originatorVersion: i + 1,
        topic: 'World.SomethingHappened',
        state: new TextEncoder().encode(text),
      })),
    );
    const notifications = await app.log.select(1, texts.length);
    expect(notifications).toHaveLength(texts.length);
    for (const notification of notifications) {
      const error = await app.mapper.toDomainEvent(notification).catch((e: unknown) => e);
      expect(error, notification.originatorVersion.toString()).toBeInstanceOf(TranscodingError);
      // The first four are no JSON object; the last two are objects without a timestamp.
      const what = notification.originatorVersion <= 4 ? 'is not a JSON object' : 'has no timestamp';
      expect((error as Error).message).toContain(
        `World.SomethingHappened event x v${String(notification.originatorVersion)} ${what}`,
      );
    }
    await expect(app.repository.get('x')).rejects.toThrow(TranscodingError);
  });

  it('refuses a stored snapshot whose state is not an object, or hides a method of the aggregate', async () => {
    // Written by something else: restored as it was, the first four made a world with an empty
    // history at version 2 (saved on, its next events stood on a wrong state), the last two a
    // world whose makeItSo was a number, or that no application could save.
    const states = [',"state":null', ',"state":[1]', ',"state":"text"', '', ',"state":{"makeItSo":1}'];
    states.push(',"state":{"history":[],"constructor":1}');
    for (const state of states) {
      const { app, id } = await worldWithStoredSnapshot(state);
      const error = await app.repository.get(id).catch((e: unknown) => e);
      expect(error, state).toBeInstanceOf(TranscodingError);
      expect((error as Error).message, state).toMatch(
        new RegExp(`^World snapshot ${id} v2 (has no state object|has a field '(makeItSo|constructor)')`),
      );
    }
    // A snapshot made by hand from parsed data: its state's own __proto__ key would replace the
    // aggregate's prototype.
    const world = World.create();
    const parsed = JSON.parse('{"history":[],"__proto__":{"makeItSo":null}}') as Record<string, unknown>;
    const snapshot = makeEvent(Snapshot, world.id, 1, new Date(), { topic: 'World', state: parsed });
    expect(() => snapshot.restore(World)).toThrow(/has a field '__proto__'/);
  });

  it("refuses a stored snapshot whose state is a custom type's value, not a plain object", async () => {
    // Decoded, each is an object, but none holds the aggregate's fields: restored, a map or a
    // date gave a world with an empty history at version 2, and bytes a world with fields '0'
    // and '1'.
    for (const state of [
      '{"_type_":"map","_data_":[["history",["dinosaurs"]]]}',
      '{"_type_":"set","_data_":[]}',
      '{"_type_":"datetime_iso","_data_":"2026-11-28T12:00:00+00:00"}',
      '{"_type_":"bytes_base64","_data_":"AAE="}',
    ]) {
      const { app, id } = await worldWithStoredSnapshot(`,"state":${state}`);
      const error = await app.repository.get(id).catch((e: unknown) => e);
      expect(error, state).toBeInstanceOf(TranscodingError);
      expect((error as Error).message, state).toMatch(
        new RegExp(`^World snapshot ${id} v2 has no state object`),
      );
      // Restored by hand (a deep copy first): the same.
      const [snapshot] = (await app.snapshots?.get(id)) ?? [];
      expect(() => (snapshot as Snapshot).restore(World), state).toThrow(/has no state object/);
    }
  });

  it('reads a created event nested deeper than it writes, but replays no aggregate from it', async () => {
    // Written by something else (Python's json writes about 990 levels): a field 600 deep.
    const app = new Worlds();
    const nested = `${'['.repeat(600)}${']'.repeat(600)}`;
    const state = `{"timestamp":{"_type_":"datetime_iso","_data_":"2026-11-28T12:00:00+00:00"},"originatorTopic":"World","deep":${nested}}`;
    await app.recorder.insertEvents([
      {
        originatorId: 'deep',
        originatorVersion: 1,
        topic: 'World.Created',
        state: new TextEncoder().encode(state),
      },
    ]);
    const [notification] = await app.log.select(1, 1);
    const event = await app.mapper.toDomainEvent(notification as NonNullable<typeof notification>);
    expect(event.originatorId).toBe('deep');
    // Its payload is copied onto the aggregate up to the depth the library writes.
    await expect(app.repository.get('deep')).rejects.toThrow(
      /a created event's payload is nested deeper than 500 levels/,
    );
  });

  it('needs an application name, from the class or the config', () => {
    class Nameless extends Application {}
    expect(() => new Nameless()).toThrow(ConfigurationError);
    expect(new Nameless({ name: 'Named' }).name).toBe('Named');
  });

  it('refuses, when it is constructed, aggregate and event classes whose topics cannot be read back', () => {
    // An event class with no topic of its own: it inherits SomethingHappened's.
    class Echoed extends SomethingHappened {}
    class Echoes extends Aggregate {
      static readonly topic = 'Echoes';
      static readonly events = [Echoed];
    }
    // Two event classes of one topic: a stored event could not say which it is.
    class Impostor extends AggregateEvent<World> {
      static readonly topic = 'World.SomethingHappened';
    }
    class Impostors extends Aggregate {
      static readonly topic = 'Impostors';
      static readonly events = [Impostor];
    }
    // An aggregate class without its events list (from plain JavaScript).
    class Bare extends Aggregate {
      static readonly topic = 'Bare';
    }
    const cases: [AggregateClass[], RegExp][] = [
      [[Echoes], /event class Echoed needs its own static topic string/],
      [[World, Impostors], /topic 'World\.SomethingHappened' is already registered to another event class/],
      [[Bare as unknown as AggregateClass], /aggregate class Bare needs a static events list/],
    ];
    for (const [aggregates, message] of cases) {
      class Broken extends Application {
        static override readonly applicationName = 'Broken';
        static override readonly aggregates = aggregates;
      }
      expect(() => new Broken()).toThrow(TopicError);
      expect(() => new Broken()).toThrow(message);
    }
  });

  it('refuses a persistence, cipher or compressor without the methods of its interface', () => {
    // A key where a cipher goes, a class where an instance goes, a store made for something else.
    const bad: [ApplicationConfig, RegExp][] = [
      [
        { cipher: 'a key' as never },
        /config\.cipher must be an object with encrypt and decrypt methods.*got a string/,
      ],
      [{ cipher: class {} as never }, /config\.cipher .*got a class or function \(construct it with new\)/],
      [{ compressor: {} as never }, /config\.compressor .*got an object without compress and decompress/],
      [{ compressor: null as never }, /config\.compressor .*got null/],
      [{ persistence: memory().applicationRecorder('x') as never }, /config\.persistence .*memory\(\)/],
    ];
    for (const [config, message] of bad) {
      expect(() => new Worlds(config)).toThrow(ConfigurationError);
      expect(() => new Worlds(config)).toThrow(message);
    }
  });

  it('refuses a section size that is not a positive integer', () => {
    const recorder = memory().applicationRecorder('x');
    expect(() => new LocalNotificationLog(recorder, 0)).toThrow(RangeError);
    // In an application's config, as every other bad config value: a ConfigurationError.
    for (const sectionSize of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => new Worlds({ sectionSize })).toThrow(ConfigurationError);
      expect(() => new Worlds({ sectionSize })).toThrow(/config\.sectionSize must be a positive integer/);
    }
  });
});

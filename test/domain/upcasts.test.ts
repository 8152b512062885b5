/**
 * Versions of classes and upcasts: events and snapshots stored by an older version of a class
 * are read by the current one, brought up to date by its upcasts, as the original's
 * `class_version` and `upcast_vX_vY` do. Two applications over one store stand for the same
 * application before and after a release that changed a class.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  Aggregate,
  AggregateCreated,
  AggregateEvent,
  Application,
  TranscodingError,
  memory,
  type Persistence,
  type Upcast,
} from '../../src/index.js';

// Release 1: a Place with a name, and a Renamed event of the new name.

class PlaceCreated1 extends AggregateCreated<Place1> {
  static readonly topic = 'Place.Created';
  declare readonly name: string;
}

class Renamed1 extends AggregateEvent<Place1> {
  static readonly topic = 'Place.Renamed';
  declare readonly name: string;
  override apply(place: Place1): void {
    place.name = this.name;
  }
}

class Place1 extends Aggregate {
  static readonly topic = 'Place';
  static readonly events = [PlaceCreated1, Renamed1];
  name = '';
  static create(name: string): Place1 {
    return this.createAggregate(PlaceCreated1, { name });
  }
  rename(name: string): void {
    this.triggerEvent(Renamed1, { name });
  }
}

class Places1 extends Application {
  static override readonly applicationName = 'Places';
  static override readonly aggregates = [Place1];
}

// Release 3: `name` became `title` (version 2), then a `country` was added (version 3), in
// events and in the aggregate alike.

const titleFromName: Upcast = (state) => {
  state.title = state.name;
  delete state.name;
};
const unknownCountry: Upcast = (state) => {
  state.country = 'unknown';
};

class PlaceCreated3 extends AggregateCreated<Place3> {
  static readonly topic = 'Place.Created';
  static readonly upcasts = [titleFromName, unknownCountry];
  declare readonly title: string;
  declare readonly country: string;
}

class Renamed3 extends AggregateEvent<Place3> {
  static readonly topic = 'Place.Renamed';
  static readonly upcasts = [titleFromName];
  declare readonly title: string;
  override apply(place: Place3): void {
    place.title = this.title;
  }
}

class Place3 extends Aggregate {
  static readonly topic = 'Place';
  static readonly events = [PlaceCreated3, Renamed3];
  static readonly upcasts = [titleFromName, unknownCountry];
  title = '';
  country = '';
  static create(title: string, country: string): Place3 {
    return this.createAggregate(PlaceCreated3, { title, country });
  }
  rename(title: string): void {
    this.triggerEvent(Renamed3, { title });
  }
}

class Places3 extends Application {
  static override readonly applicationName = 'Places';
  static override readonly aggregates = [Place3];
}

/** The stored state of every notification, as JSON. */
async function storedStates(app: Application): Promise<Record<string, unknown>[]> {
  const items = await app.log.select(1, 10);
  return items.map((n) => JSON.parse(new TextDecoder().decode(n.state)) as Record<string, unknown>);
}

/**
 * Release 2 of the Place application over a store, whose created event's one upcast (from
 * version 1) is the given function: the way to try an upcast that misbehaves.
 */
function placesUpcastingWith(upcast: Upcast, store: Persistence): Application {
  class Created extends AggregateCreated<Place3> {
    static readonly topic = 'Place.Created';
    static readonly upcasts = [upcast];
  }
  class Place extends Aggregate {
    static readonly topic = 'Place';
    static readonly events = [Created, Renamed3];
  }
  class Places extends Application {
    static override readonly applicationName = 'Places';
    static override readonly aggregates = [Place];
  }
  return new Places({ persistence: store });
}

describe('upcasts', () => {
  it('bring events stored by an older version of a class up to the current one', async () => {
    const store: Persistence = memory();
    const before = new Places1({ persistence: store });
    const place = Place1.create('Lisbon');
    place.rename('Lisboa');
    await before.save(place);

    const after = new Places3({ persistence: store });
    const read = await after.repository.get<Place3>(place.id);
    expect(read).toBeInstanceOf(Place3);
    expect({ title: read.title, country: read.country, version: read.version }).toEqual({
      title: 'Lisboa',
      country: 'unknown',
      version: 2,
    });
    expect(read).not.toHaveProperty('name');
    const [created, renamed] = await after.mapper.toDomainEvents(await after.log.select(1, 10));
    expect(created).toMatchObject({ title: 'Lisbon', country: 'unknown' });
    expect(renamed).toMatchObject({ title: 'Lisboa' });
    expect(renamed).not.toHaveProperty('class_version');

    // New events are stored with their class's version; version 1 state carries no mark.
    read.rename('Lisbon again');
    await after.save(read);
    const states = await storedStates(after);
    expect(states.map((s) => s.class_version)).toEqual([undefined, undefined, 2]);
    expect((await after.repository.get<Place3>(place.id)).title).toBe('Lisbon again');
  });

  it('run from the stored version only: state of the current version is not upcast again', async () => {
    const app = new Places3();
    const place = Place3.create('Porto', 'Portugal');
    await app.save(place);
    expect((await storedStates(app))[0]?.class_version).toBe(3);
    const read = await app.repository.get<Place3>(place.id);
    expect({ title: read.title, country: read.country }).toEqual({ title: 'Porto', country: 'Portugal' });
  });

  it('bring snapshots of an older version of an aggregate class up to the current one', async () => {
    const store = memory();
    const before = new Places1({ persistence: store, snapshotting: true });
    const place = Place1.create('Faro');
    await before.save(place);
    await before.takeSnapshot(place.id);

    const after = new Places3({ persistence: store, snapshotting: true });
    const [snapshot] = (await after.snapshots?.get(place.id)) ?? [];
    // Release 1's state, unmarked (version 1).
    expect(snapshot?.state).toMatchObject({ name: 'Faro' });
    expect(snapshot?.state).not.toHaveProperty('class_version');
    const events = vi.spyOn(after.events, 'get');
    const read = await after.repository.get<Place3>(place.id);
    // Read from the snapshot, upcast: no event after it was read.
    expect(await events.mock.results[0]?.value).toEqual([]);
    events.mockRestore();
    expect({ title: read.title, country: read.country }).toEqual({ title: 'Faro', country: 'unknown' });
    expect(read).not.toHaveProperty('name');
    expect(read).not.toHaveProperty('class_version');

    // A snapshot of the current version is marked with it, and restores as it was taken.
    read.rename('Faro!');
    await after.save(read);
    await after.takeSnapshot(place.id);
    const [latest] = (await after.snapshots?.get(place.id, { desc: true, limit: 1 })) ?? [];
    expect((latest as unknown as { state: Record<string, unknown> }).state.class_version).toBe(3);
    const again = await after.repository.get<Place3>(place.id);
    expect({ title: again.title, country: again.country, version: again.version }).toEqual({
      title: 'Faro!',
      country: 'unknown',
      version: 2,
    });
  });

  it('refuse state written by a newer version of the class, with a TranscodingError', async () => {
    const store = memory();
    const newer = new Places3({ persistence: store });
    const place = Place3.create('Braga', 'Portugal');
    await newer.save(place);
    // An older application (an old tab, a Worker not yet deployed) cannot know the new fields.
    const older = new Places1({ persistence: store });
    const error = await older.repository.get(place.id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TranscodingError);
    expect((error as Error).message).toMatch(/class version 3, above this class's 1: .*newer version/);
  });

  it('wrap an upcast that fails in a TranscodingError, with its error as cause', async () => {
    const store = memory();
    const before = new Places1({ persistence: store });
    const place = Place1.create('Evora');
    await before.save(place);
    const failure = new Error('no such field');
    const broken = placesUpcastingWith(() => {
      throw failure;
    }, store);
    const error = await broken.repository.get(place.id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TranscodingError);
    expect((error as Error).message).toMatch(/upcast from class version 1 to 2 failed/);
    expect((error as Error).cause).toBe(failure);
  });

  it('refuse an upcast that returns a value, which would be lost', async () => {
    const store = memory();
    const place = Place1.create('Tavira');
    await new Places1({ persistence: store }).save(place);
    // Typed out of the compiler's sight, as JavaScript callers can.
    const returning = placesUpcastingWith(
      ((state: Record<string, unknown>) => ({ ...state, title: 'x' })) as unknown as Upcast,
      store,
    );
    await expect(returning.repository.get(place.id)).rejects.toThrow(
      /upcast from class version 1 to 2 returned a value; an upcast changes the state it is given, in place/,
    );
  });

  it('refuse a field named class_version, which is kept for the version', async () => {
    class LabelCreated extends AggregateCreated<Label> {
      static readonly topic = 'Label.Created';
    }
    class Versioned extends AggregateEvent<Label> {
      static readonly topic = 'Label.Versioned';
      declare readonly class_version?: number;
      declare readonly classVersion?: number;
    }
    class Label extends Aggregate {
      static readonly topic = 'Label';
      static readonly events = [LabelCreated, Versioned];
      static create(): Label {
        return this.createAggregate(LabelCreated, {});
      }
      setVersion(version: number): void {
        this.triggerEvent(Versioned, { class_version: version });
      }
      setCamelVersion(version: number): void {
        // A camelCase field of that name is data like any other.
        this.triggerEvent(Versioned, { classVersion: version });
      }
    }
    class Labels extends Application {
      static override readonly applicationName = 'Labels';
      static override readonly aggregates = [Label];
    }
    const app = new Labels();
    const label = Label.create();
    await app.save(label);
    label.setVersion(7);
    await expect(app.save(label)).rejects.toThrow(/a field named 'class_version' cannot be stored/);
    expect(await app.recorder.maxNotificationId()).toBe(1);
    label.collectEvents();
    label.setCamelVersion(7);
    await app.save(label);
    const [, versioned] = await app.mapper.toDomainEvents(await app.log.select(1, 10));
    expect(versioned).toMatchObject({ classVersion: 7 });
  });
});

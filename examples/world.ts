/**
 * The seed's Worlds example: a `World` aggregate and the `Worlds` application.
 *
 * @module
 */
import { Aggregate, AggregateCreated, AggregateEvent, Application } from '../src/index.js';

/** A world was created. */
export class WorldCreated extends AggregateCreated<World> {
  static readonly topic = 'World.Created';
}

/** Something happened in a world. */
export class SomethingHappened extends AggregateEvent<World> {
  static readonly topic = 'World.SomethingHappened';
  declare readonly what: string;

  override apply(world: World): void {
    world.history.push(this.what);
  }
}

/** A world with a history of what happened in it. */
export class World extends Aggregate {
  static readonly topic = 'World';
  static readonly events = [WorldCreated, SomethingHappened];
  history: string[] = [];

  /** Creates a new world, with a new uuid v4 id. */
  static create(): World {
    return this.createAggregate(WorldCreated, {});
  }

  /** Makes something happen in the world. */
  makeItSo(what: string): void {
    this.triggerEvent(SomethingHappened, { what });
  }
}

/** The application of worlds. */
export class Worlds extends Application {
  static override readonly applicationName = 'Worlds';
  static override readonly aggregates = [World];

  /** Creates a world and returns its id. */
  async createWorld(): Promise<string> {
    const world = World.create();
    await this.save(world);
    return world.id;
  }

  /** Makes something happen in a world. */
  async makeItSo(worldId: string, what: string): Promise<void> {
    const world = await this.repository.get<World>(worldId);
    world.makeItSo(what);
    await this.save(world);
  }

  /** Returns a copy of a world's history. */
  async getWorldHistory(worldId: string): Promise<string[]> {
    const world = await this.repository.get<World>(worldId);
    return [...world.history];
  }
}

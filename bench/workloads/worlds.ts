/**
 * The application every benchmark runs: the seed's `Worlds`, with log sections of 100, and the
 * helpers that fill it with data before a timed run.
 *
 * @module
 */
import type { ApplicationConfig } from '../../src/index.js';
import { World, Worlds } from '../../examples/world.js';

/** What each benchmark event says happened. */
export const WHAT = 'dinosaurs';

/** The section size of every benchmark application. */
export const SECTION_SIZE = 100;

/**
 * Creates a fresh benchmark application: its own memory store, log sections of 100.
 *
 * @param config - more configuration (a compressor, a cipher, snapshotting)
 * @returns the application
 */
export function benchApp(config: ApplicationConfig = {}): Worlds {
  return new Worlds({ ...config, sectionSize: SECTION_SIZE });
}

/**
 * Saves `worlds` Worlds of `events` events each (the created event included), one save per
 * World of all its events.
 *
 * @param app - the application
 * @param worlds - how many Worlds
 * @param events - events per World
 * @returns the Worlds' ids
 */
export async function fillWorlds(app: Worlds, worlds: number, events: number): Promise<string[]> {
  const ids: string[] = [];
  for (let w = 0; w < worlds; w++) {
    const world = World.create();
    for (let i = 1; i < events; i++) world.makeItSo(WHAT);
    await app.save(world);
    ids.push(world.id);
  }
  return ids;
}

/**
 * Saves one World of `events` events, `perSave` events per save.
 *
 * @param app - the application
 * @param events - its events, the created event included
 * @param perSave - events per save
 * @returns the World's id
 */
export async function fillOneWorld(app: Worlds, events: number, perSave: number): Promise<string> {
  const world = World.create();
  for (let version = 2; version <= events; version++) {
    world.makeItSo(WHAT);
    if (version % perSave === 0) await app.save(world);
  }
  await app.save(world);
  return world.id;
}

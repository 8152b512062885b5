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

/**
 * Reads the log through `log.section`, from a section, following `nextId` to the end: the
 * timed work of `d1` on every runtime.
 *
 * @param app - the application
 * @param firstSectionId - the first section, such as `'1,100'`
 * @returns the number of notifications read
 */
export async function readThroughSections(app: Worlds, firstSectionId: string): Promise<number> {
  let read = 0;
  for (let id: string | null = firstSectionId; id !== null;) {
    const section = await app.log.section(id);
    read += section.items.length;
    id = section.nextId;
  }
  return read;
}

/**
 * Reads the log with `log.select(start, 100)` to the end, decoding each notification with
 * `mapper.toDomainEvent`, or each selection with `mapper.toDomainEvents` when `batch`: the
 * timed work of `d3` (and `d3-batch`) on every runtime.
 *
 * @param app - the application
 * @param batch - whether to decode a selection at once
 * @returns the number of notifications decoded
 */
export async function decodeThroughSelect(app: Worlds, batch = false): Promise<number> {
  const { log, mapper } = app;
  let read = 0;
  for (let start = 1; ; start += SECTION_SIZE) {
    const items = await log.select(start, SECTION_SIZE);
    if (items.length === 0) return read;
    if (batch) {
      read += (await mapper.toDomainEvents(items)).length;
    } else {
      for (const item of items) {
        await mapper.toDomainEvent(item);
        read++;
      }
    }
  }
}

/**
 * The seed's Worlds example as a test fixture: a world and its three happenings, and what the
 * seed says its log's first section holds.
 *
 * @module
 */
import { expect } from 'vitest';
import type { Worlds } from '../../examples/world.js';
import { Notification, type Section } from '../../src/index.js';

/**
 * Creates a world in an application and makes the seed's three things happen in it.
 *
 * @param app - the application
 * @returns the world's id
 */
export async function worldWithHistory(app: Worlds): Promise<string> {
  const worldId = await app.createWorld();
  await app.makeItSo(worldId, 'dinosaurs');
  await app.makeItSo(worldId, 'trucks');
  await app.makeItSo(worldId, 'internet');
  return worldId;
}

/**
 * Checks section `"1,10"` of a log holding only {@link worldWithHistory}'s world, as the seed
 * does: it is section `"1,4"`, with no next section, of the world's four notifications in order.
 *
 * @param section - the section
 * @param worldId - the world's id
 */
export function expectSeedSection(section: Section, worldId: string): void {
  expect(section.id).toBe('1,4');
  expect(section.nextId).toBeNull();
  expect(section.items).toHaveLength(4);
  for (const item of section.items) expect(item).toBeInstanceOf(Notification);
  expect(section.items.map((n) => n.id)).toEqual([1, 2, 3, 4]);
  expect(section.items.map((n) => n.originatorId)).toEqual([worldId, worldId, worldId, worldId]);
  expect(section.items.map((n) => n.originatorVersion)).toEqual([1, 2, 3, 4]);
  expect(section.items.map((n) => n.topic)).toEqual([
    'World.Created',
    'World.SomethingHappened',
    'World.SomethingHappened',
    'World.SomethingHappened',
  ]);
}

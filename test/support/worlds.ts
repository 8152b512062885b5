/**
 * The seed's Worlds example as a test fixture: a world and its three happenings.
 *
 * @module
 */
import type { Worlds } from '../../examples/world.js';

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

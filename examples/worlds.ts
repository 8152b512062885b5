/**
 * Runs the seed's Worlds example on the in-memory recorder and prints what it does:
 * `npm run example`.
 */
import { World, Worlds } from './world.js';

const app = new Worlds({ snapshotting: true });
const worldId = await app.createWorld();
console.log(`created world ${worldId}`);
for (const what of ['dinosaurs', 'trucks', 'internet']) {
  await app.makeItSo(worldId, what);
  console.log(`made it so: ${what}`);
}
console.log(`history: ${JSON.stringify(await app.getWorldHistory(worldId))}`);

for (const version of [1, 2, 3, 4, 5]) {
  const world = await app.repository.get<World>(worldId, { version });
  console.log(
    `version ${String(version)} asked, got version ${String(world.version)}: ${JSON.stringify(world.history)}`,
  );
}

const section = await app.log.section('1,10');
console.log(`log section "1,10" has id ${String(section.id)}, next ${String(section.nextId)}`);
for (const n of section.items) {
  const event = await app.mapper.toDomainEvent(n);
  console.log(
    `  notification ${String(n.id)}: ${n.topic} v${String(n.originatorVersion)} ${new TextDecoder().decode(n.state)} -> ${event.constructor.name}`,
  );
}

await app.takeSnapshot(worldId);
const [snapshot] = (await app.snapshots?.get(worldId, { desc: true, limit: 1 })) ?? [];
console.log(
  `snapshot of ${String(snapshot?.originatorId)} at version ${String(snapshot?.originatorVersion)}`,
);
await app.close();

/**
 * The seed's Worlds example as a script of lines: steps that call the library, and the
 * seed's assertions, each computed live from what the library returns.
 *
 * @module
 */
import { SomethingHappened, World, WorldCreated, Worlds } from '../examples/world.js';
import { DomainEvent, Notification, Section, Snapshot } from '../src/index.js';
import { literal, shortId, topicOf } from './format.js';
import {
  around,
  assert,
  comment,
  equals,
  ReplayContext,
  step,
  type Line,
  type Outcome,
} from './replay-lines.js';

const utf8 = new TextDecoder();

const idOutcome = (id: string): Outcome => ({ ok: true, text: literal(shortId(id)), value: id });
const world = (c: ReplayContext, name: string): World => c.get(name, World);
const section = (c: ReplayContext): Section => c.get('section', Section);
const item = (c: ReplayContext, i: number): Notification => {
  const n = section(c).items[i];
  if (n === undefined) throw new Error(`replay: the section has no item ${String(i)}`);
  return n;
};
const worldId = (c: ReplayContext): string => c.text('worldId');
const snapshot = (c: ReplayContext): Snapshot => {
  const first = c.list('snapshots')[0];
  if (!(first instanceof Snapshot)) throw new Error('replay: no snapshot came back');
  return first;
};

function versionLines(version: number, expectedVersion: number, last: string | undefined): Line[] {
  const name = `worldV${String(version)}`;
  const length = expectedVersion - 1;
  return [
    ...(version > expectedVersion ? [comment('// There is no version 5: the latest comes back.')] : []),
    step(
      `const ${name} = await app.repository.get<World>(worldId, { version: ${String(version)} })`,
      async (c) => {
        const got = c.set(name, await c.get('app', Worlds).repository.get<World>(worldId(c), { version }));
        return `version ${String(got.version)}`;
      },
    ),
    equals(
      `${name}.version === ${String(expectedVersion)}`,
      (c) => world(c, name).version,
      () => expectedVersion,
    ),
    equals(
      `${name}.history.length === ${String(length)}`,
      (c) => world(c, name).history.length,
      () => length,
    ),
    ...(last === undefined
      ? []
      : [
          equals(
            `${name}.history.at(-1) === '${last}'`,
            (c) => world(c, name).history.at(-1),
            () => last,
          ),
        ]),
  ];
}

function perItem(make: (i: number) => Line): Line[] {
  return [0, 1, 2, 3].map(make);
}

const HAPPENINGS = ['dinosaurs', 'trucks', 'internet'] as const;

/** The seed's example and every one of its assertions, in order. */
export const SCRIPT: readonly Line[] = [
  comment('// An application, a world, and three things that happen in it'),
  step('const app = new Worlds({ persistence })', async (c) => {
    c.set('app', new Worlds({ persistence: c.persistence }));
    return c.label;
  }),
  step(
    'const worldId = await app.createWorld()',
    async (c) => idOutcome(c.set('worldId', await c.get('app', Worlds).createWorld())),
    'world-id',
  ),
  ...HAPPENINGS.map((what) =>
    step(`await app.makeItSo(worldId, '${what}')`, async (c) => {
      const app = c.get('app', Worlds);
      await app.makeItSo(worldId(c), what);
      return `notification ${String(await app.recorder.maxNotificationId())}`;
    }),
  ),
  step('const history = await app.getWorldHistory(worldId)', async (c) =>
    literal(c.set('history', await c.get('app', Worlds).getWorldHistory(worldId(c)))),
  ),
  ...HAPPENINGS.map((what, i) =>
    equals(
      `history[${String(i)}] === '${what}'`,
      (c) => c.list('history')[i],
      () => what,
    ),
  ),

  comment('// The repository replays the events, up to any version'),
  step('const worldLatest = await app.repository.get<World>(worldId)', async (c) => {
    const got = c.set('worldLatest', await c.get('app', Worlds).repository.get<World>(worldId(c)));
    return `version ${String(got.version)}`;
  }),
  equals(
    'worldLatest.version === 4',
    (c) => world(c, 'worldLatest').version,
    () => 4,
  ),
  equals(
    'worldLatest.history.length === 3',
    (c) => world(c, 'worldLatest').history.length,
    () => 3,
  ),
  ...versionLines(1, 1, undefined),
  ...versionLines(2, 2, 'dinosaurs'),
  ...versionLines(3, 3, 'trucks'),
  ...versionLines(4, 4, 'internet'),
  ...versionLines(5, 4, 'internet'),

  comment('// The notification log: every event of the application, in order, in sections'),
  step("const section = await app.log.section('1,10')", async (c) => {
    const got = c.set('section', await c.get('app', Worlds).log.section('1,10'));
    return `${String(got.items.length)} notifications`;
  }),
  equals(
    'section.items.length === 4',
    (c) => section(c).items.length,
    () => 4,
  ),
  equals(
    "section.id === '1,4'",
    (c) => section(c).id,
    () => '1,4',
  ),
  equals(
    'section.nextId === null',
    (c) => section(c).nextId,
    () => null,
  ),
  assert(
    'section.items[0] instanceof Notification',
    (c) => item(c, 0) instanceof Notification,
    (v) => v === true,
  ),
  ...perItem((i) =>
    equals(
      `section.items[${String(i)}].id === ${String(i + 1)}`,
      (c) => item(c, i).id,
      () => i + 1,
    ),
  ),
  ...perItem((i) =>
    equals(`section.items[${String(i)}].originatorId === worldId`, (c) => item(c, i).originatorId, worldId),
  ),
  ...perItem((i) =>
    equals(
      `section.items[${String(i)}].originatorVersion === ${String(i + 1)}`,
      (c) => item(c, i).originatorVersion,
      () => i + 1,
    ),
  ),
  ...perItem((i) => {
    const topic = i === 0 ? WorldCreated.topic : SomethingHappened.topic;
    return assert(
      `section.items[${String(i)}].topic.includes('${topic}')`,
      (c) => item(c, i).topic,
      (v) => typeof v === 'string' && v.includes(topic),
    );
  }),
  step('const utf8 = new TextDecoder()', async () => 'UTF-8'),
  ...HAPPENINGS.map((what, i) =>
    assert(
      `utf8.decode(section.items[${String(i + 1)}].state).includes('${what}')`,
      (c) => utf8.decode(item(c, i + 1).state),
      (v) => typeof v === 'string' && v.includes(what),
      around(what),
    ),
  ),

  comment('// The mapper turns a notification back into its domain event'),
  step('let domainEvent = await app.mapper.toDomainEvent(section.items[0])', async (c) =>
    topicOf(c.set('event0', await c.get('app', Worlds).mapper.toDomainEvent(item(c, 0)))),
  ),
  assert(
    'domainEvent instanceof WorldCreated',
    (c) => c.get('event0', DomainEvent) instanceof WorldCreated,
    (v) => v === true,
  ),
  equals('domainEvent.originatorId === worldId', (c) => c.get('event0', DomainEvent).originatorId, worldId),
  step('domainEvent = await app.mapper.toDomainEvent(section.items[3])', async (c) =>
    topicOf(c.set('event3', await c.get('app', Worlds).mapper.toDomainEvent(item(c, 3)))),
  ),
  assert(
    'domainEvent instanceof SomethingHappened',
    (c) => c.get('event3', DomainEvent) instanceof SomethingHappened,
    (v) => v === true,
  ),
  equals('domainEvent.originatorId === worldId', (c) => c.get('event3', DomainEvent).originatorId, worldId),
  equals(
    "domainEvent.what === 'internet'",
    (c) => c.get('event3', SomethingHappened).what,
    () => 'internet',
  ),

  comment('// Snapshots: a second application, with snapshotting on'),
  step("const app2 = new Worlds({ name: 'Snapshotting', persistence, snapshotting: true })", async (c) => {
    c.set('app2', new Worlds({ name: 'Snapshotting', persistence: c.persistence, snapshotting: true }));
    return 'its own log';
  }),
  step('const worldId2 = await app2.createWorld()', async (c) =>
    idOutcome(c.set('worldId2', await c.get('app2', Worlds).createWorld())),
  ),
  step(
    "for (const what of ['dinosaurs', 'trucks', 'internet']) await app2.makeItSo(worldId2, what)",
    async (c) => {
      const app2 = c.get('app2', Worlds);
      for (const what of HAPPENINGS) await app2.makeItSo(c.text('worldId2'), what);
      return `version ${String((await app2.repository.get(c.text('worldId2'))).version)}`;
    },
  ),
  step('await app2.takeSnapshot(worldId2)', async (c) => {
    await c.get('app2', Worlds).takeSnapshot(c.text('worldId2'));
    return 'taken';
  }),
  step('const snapshots = await app2.snapshots.get(worldId2, { desc: true, limit: 1 })', async (c) => {
    const store = c.get('app2', Worlds).snapshots;
    if (store === undefined) throw new Error('replay: snapshotting is off');
    const got = c.set('snapshots', await store.get(c.text('worldId2'), { desc: true, limit: 1 }));
    return `${String(got.length)} snapshot`;
  }),
  equals(
    'snapshots.length === 1',
    (c) => c.list('snapshots').length,
    () => 1,
  ),
  equals(
    'snapshots[0].originatorId === worldId2',
    (c) => snapshot(c).originatorId,
    (c) => c.text('worldId2'),
  ),
  equals(
    'snapshots[0].originatorVersion === 4',
    (c) => snapshot(c).originatorVersion,
    () => 4,
  ),
];

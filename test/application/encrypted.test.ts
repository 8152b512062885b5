/**
 * The seed's examples again with encryption and compression on, end to end through the
 * application on the in-memory recorder, for both ciphers.
 */
import { describe, expect, it } from 'vitest';
import { AesGcmCipher } from '../../src/cipher/index.js';
import { NobleAesGcmCipher } from '../../src/cipher/noble.js';
import { ZlibCompressor } from '../../src/compressor/index.js';
import {
  CipherError,
  Mapper,
  RecordConflictError,
  memory,
  type Cipher,
  type DomainEvent,
  type StoredEvent,
} from '../../src/index.js';
import { SomethingHappened, World, Worlds } from '../../examples/world.js';
import { Wiki } from '../../examples/wiki.js';
import { mappedVectors } from '../cipher/vectors.js';
import { expectSeedSection, worldWithHistory } from '../support/worlds.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Whether bytes hold the UTF-8 bytes of a text anywhere. */
function holds(bytes: Uint8Array, text: string): boolean {
  const needle = encoder.encode(text);
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

const CIPHERS: [string, (key: string) => Cipher][] = [
  ['AesGcmCipher', (key) => new AesGcmCipher(key)],
  ['NobleAesGcmCipher', (key) => new NobleAesGcmCipher(key)],
];

describe.each(CIPHERS)('the seed examples encrypted with %s and compressed', (_name, makeCipher) => {
  it('records and reads a world’s history at every version', async () => {
    const app = new Worlds({
      cipher: makeCipher(AesGcmCipher.createKey(32)),
      compressor: new ZlibCompressor(),
    });
    const worldId = await worldWithHistory(app);
    expect(await app.getWorldHistory(worldId)).toEqual(['dinosaurs', 'trucks', 'internet']);
    // Each version, and the last one for a version beyond it.
    for (const [version, history] of [
      [1, []],
      [2, ['dinosaurs']],
      [3, ['dinosaurs', 'trucks']],
      [4, ['dinosaurs', 'trucks', 'internet']],
      [5, ['dinosaurs', 'trucks', 'internet']],
    ] as const) {
      const world = await app.repository.get<World>(worldId, { version });
      expect(world.version).toBe(Math.min(version, 4));
      expect(world.history).toEqual(history);
    }
  });

  it('stores the cipher’s output, a buffer of its own, not the transcoder’s plaintext block', async () => {
    // No compressor: the cipher takes the transcoder's views of its block directly.
    const app = new Worlds({ cipher: makeCipher(AesGcmCipher.createKey(16)) });
    const worldId = await worldWithHistory(app);
    const notifications = await app.recorder.selectNotifications(1, 10);
    expect(notifications).toHaveLength(4);
    for (const { state } of notifications) {
      expect(state.byteOffset).toBe(0);
      expect(state.buffer.byteLength).toBe(state.byteLength);
      expect(holds(state, 'timestamp')).toBe(false);
    }
    expect(await app.getWorldHistory(worldId)).toEqual(['dinosaurs', 'trucks', 'internet']);
  });

  it('keeps the log’s state encrypted, and decrypts notifications through the mapper', async () => {
    const key = AesGcmCipher.createKey(32);
    const app = new Worlds({ cipher: makeCipher(key), compressor: new ZlibCompressor() });
    const worldId = await worldWithHistory(app);

    // The section is as without encryption: "1,10" gives "1,4", and no next section.
    const section = await app.log.section('1,10');
    expectSeedSection(section, worldId);

    for (const notification of section.items) {
      // The stored state is neither plaintext nor JSON: nonce, tag, then ciphertext.
      expect(holds(notification.state, 'dinosaurs')).toBe(false);
      expect(holds(notification.state, 'timestamp')).toBe(false);
      // (Its first bytes are the nonce's, random: one in 256 starts with a brace.)
      expect(holds(notification.state.subarray(0, 12), '{"timestamp"')).toBe(false);
      expect(notification.state.length).toBeGreaterThanOrEqual(28);
    }

    // The mapper decrypts and decompresses each notification back to its event.
    const events = await Promise.all(section.items.map((n) => app.mapper.toDomainEvent(n)));
    expect(events.map((e) => e.originatorId)).toEqual([worldId, worldId, worldId, worldId]);
    const happened = events.slice(1).map((e) => (e as SomethingHappened).what);
    expect(happened).toEqual(['dinosaurs', 'trucks', 'internet']);
    expect(events[1]).toBeInstanceOf(SomethingHappened);

    // The order is the original's: the state was compressed, then encrypted.
    const second = section.items[1];
    if (second === undefined) throw new Error('expected a second notification');
    const compressed = await makeCipher(key).decrypt(second.state);
    expect(compressed[0]).toBe(0x78);
    const json = decoder.decode(new ZlibCompressor().decompress(compressed));
    expect(JSON.parse(json)).toMatchObject({ what: 'dinosaurs' });
  });

  it('encrypts snapshots too', async () => {
    const store = memory();
    const config = {
      persistence: store,
      snapshotting: true,
      cipher: makeCipher(AesGcmCipher.createKey(16)),
      compressor: new ZlibCompressor(),
    };
    const app = new Worlds(config);
    const worldId = await worldWithHistory(app);
    await app.takeSnapshot(worldId);

    // The snapshot store holds one snapshot at version 4, its state encrypted.
    const stored = await store.snapshotRecorder('Worlds').selectEvents(worldId);
    expect(stored.map((s) => s.originatorVersion)).toEqual([4]);
    expect(holds(stored[0]?.state ?? new Uint8Array(), 'dinosaurs')).toBe(false);
    expect(holds(stored[0]?.state ?? new Uint8Array(), 'history')).toBe(false);

    // The snapshot decrypts, and a second application with the same key reads from it.
    const [snapshot] = (await app.snapshots?.get(worldId)) ?? [];
    expect(snapshot?.originatorVersion).toBe(4);
    const again = new Worlds(config);
    expect(await again.getWorldHistory(worldId)).toEqual(['dinosaurs', 'trucks', 'internet']);
  });

  it('still refuses the wiki’s name conflicts, writing nothing', async () => {
    const wiki = new Wiki({
      cipher: makeCipher(AesGcmCipher.createKey(32)),
      compressor: new ZlibCompressor(),
    });
    await wiki.createPage('Erth', 'Lorem ipsum...');
    await wiki.renamePage('Erth', 'Earth');
    await wiki.createPage('Mars', 'Neque porro quisquam...');
    const before = await wiki.recorder.maxNotificationId();

    // Can't create another page using an existing name.
    await expect(wiki.createPage('Earth', 'Neque porro quisquam...')).rejects.toBeInstanceOf(
      RecordConflictError,
    );
    // Can't rename another page to an existing name.
    await expect(wiki.renamePage('Mars', 'Earth')).rejects.toBeInstanceOf(RecordConflictError);

    // Nothing was written, both pages keep their bodies, and the stored state is encrypted.
    expect(await wiki.recorder.maxNotificationId()).toBe(before);
    expect((await wiki.getPage('Earth')).body).toBe('Lorem ipsum...');
    expect((await wiki.getPage('Mars')).body).toBe('Neque porro quisquam...');
    const notifications = await wiki.recorder.selectNotifications(1, 100);
    expect(notifications.length).toBe(before);
    for (const n of notifications) expect(holds(n.state, 'Lorem')).toBe(false);
  });

  it('fails with CipherError in a second application with another key over the same store', async () => {
    const store = memory();
    const key = AesGcmCipher.createKey(32);
    const app = new Worlds({ persistence: store, cipher: makeCipher(key), compressor: new ZlibCompressor() });
    const worldId = await worldWithHistory(app);

    // Another key: reading the world, or a notification through the mapper, fails with our error.
    const other = new Worlds({
      persistence: store,
      cipher: makeCipher(AesGcmCipher.createKey(32)),
      compressor: new ZlibCompressor(),
    });
    await expect(other.repository.get(worldId)).rejects.toBeInstanceOf(CipherError);
    const [first] = (await other.log.section('1,10')).items;
    if (first === undefined) throw new Error('expected a notification');
    await expect(other.mapper.toDomainEvent(first)).rejects.toBeInstanceOf(CipherError);

    // The same key in a new cipher object, of either kind, reads everything.
    for (const [, make] of CIPHERS) {
      const same = new Worlds({ persistence: store, cipher: make(key), compressor: new ZlibCompressor() });
      expect(await same.getWorldHistory(worldId)).toEqual(['dinosaurs', 'trucks', 'internet']);
    }
  });

  it('reads an event state that the original library wrote', async () => {
    const vector = mappedVectors.find((v) => v.name === 'mapped event');
    if (vector === undefined) throw new Error('expected the mapped event vector');
    const app = new Worlds({ cipher: makeCipher(vector.key), compressor: new ZlibCompressor() });
    // A stored event whose state Python compressed with zlib, then encrypted as AESCipher does.
    const stored: StoredEvent = {
      originatorId: '5f3f0b6e-9d7a-4c1e-8a55-0a1b2c3d4e5f',
      originatorVersion: 2,
      topic: 'World.SomethingHappened',
      state: vector.state,
    };
    const event = await app.mapper.toDomainEvent(stored);
    expect(event).toBeInstanceOf(SomethingHappened);
    expect((event as SomethingHappened).what).toBe('dinosaurs');
    expect(event.timestamp.toISOString()).toBe('2024-05-01T12:34:56.789Z');
    expect(event.originatorVersion).toBe(2);
  });
});

describe('one codec alone', () => {
  it('stores zlib streams with only a compressor, and AES-GCM of JSON with only a cipher', async () => {
    const key = AesGcmCipher.createKey(32);
    const compressed = new Worlds({ compressor: new ZlibCompressor() });
    const encrypted = new Worlds({ cipher: new NobleAesGcmCipher(key) });
    for (const app of [compressed, encrypted]) await worldWithHistory(app);

    // Only compressed: each state is a zlib stream of the JSON.
    const [compressedItems, encryptedItems] = [
      (await compressed.log.section('1,10')).items,
      (await encrypted.log.section('1,10')).items,
    ];
    expect([compressedItems.length, encryptedItems.length]).toEqual([4, 4]);
    for (const n of compressedItems) {
      expect(n.state[0]).toBe(0x78);
      expect(JSON.parse(decoder.decode(new ZlibCompressor().decompress(n.state)))).toHaveProperty(
        'timestamp',
      );
    }
    // Only encrypted: each state decrypts straight to the JSON.
    for (const n of encryptedItems) {
      expect(holds(n.state, 'timestamp')).toBe(false);
      const json = decoder.decode(await new AesGcmCipher(key).decrypt(n.state));
      expect(JSON.parse(json)).toHaveProperty('timestamp');
    }
  });
});

describe('the mapper’s event store path', () => {
  it('gives stored events at once without a cipher, a promise of encrypted ones with one', async () => {
    const key = AesGcmCipher.createKey(32);
    const plain = new Worlds();
    const encrypted = new Worlds({ cipher: new NobleAesGcmCipher(key) });
    const world = World.create();
    world.makeItSo('dinosaurs');
    const events = world.collectEvents();

    // Without a cipher: an array, the same stored events toStoredEvents promises.
    const mapped = plain.mapper.mapEvents(events);
    expect(Array.isArray(mapped)).toBe(true);
    expect(mapped).toEqual(await plain.mapper.toStoredEvents(events));
    const [created, happened] = mapped as StoredEvent[];
    expect([created?.topic, happened?.topic]).toEqual(['World.Created', 'World.SomethingHappened']);
    expect([created?.originatorVersion, happened?.originatorVersion]).toEqual([1, 2]);
    expect(JSON.parse(decoder.decode(happened?.state))).toMatchObject({ what: 'dinosaurs' });

    // With a cipher: a promise, and the states are encrypted (they hold no JSON).
    const promised = encrypted.mapper.mapEvents(events);
    expect(promised).toBeInstanceOf(Promise);
    const stored = await promised;
    expect(stored.map((s) => s.originatorVersion)).toEqual([1, 2]);
    for (const s of stored) expect(holds(s.state, 'timestamp')).toBe(false);
    const decoded = await encrypted.mapper.toDomainEvents(stored);
    expect((decoded[1] as SomethingHappened).what).toBe('dinosaurs');

    // A value the transcoder cannot write is an error at once, before anything is encrypted.
    const bad = World.create();
    bad.makeItSo(Symbol('not data') as unknown as string);
    expect(() => encrypted.mapper.mapEvents(bad.collectEvents())).toThrow(/symbol cannot be transcoded/);
  });

  it('makes every stored event in mapEvents, so one override changes saves and toStoredEvent alike', async () => {
    /** A mapper that stores every topic in upper case (a stand-in for any change of storage). */
    class ShoutingMapper extends Mapper {
      override mapEvents(events: readonly DomainEvent[]): StoredEvent[] | Promise<StoredEvent[]> {
        const mapped = super.mapEvents(events);
        const shout = (stored: StoredEvent[]): StoredEvent[] =>
          stored.map((s) => ({ ...s, topic: s.topic.toUpperCase() }));
        return Array.isArray(mapped) ? shout(mapped) : mapped.then(shout);
      }
    }
    class ShoutingWorlds extends Worlds {
      protected override constructMapper(): Mapper {
        return new ShoutingMapper(this.transcoder, this.topics, { cipher: this.config.cipher });
      }
    }
    for (const app of [
      new ShoutingWorlds(),
      new ShoutingWorlds({ cipher: new NobleAesGcmCipher(AesGcmCipher.createKey(32)) }),
    ]) {
      const world = World.create();
      world.makeItSo('dinosaurs');
      // toStoredEvent, toStoredEvents and save all go through the override.
      expect((await app.mapper.toStoredEvent(world.collectEvents()[1] as SomethingHappened)).topic).toBe(
        'WORLD.SOMETHINGHAPPENED',
      );
      world.makeItSo('trucks');
      expect((await app.mapper.toStoredEvents(world.collectEvents())).map((s) => s.topic)).toEqual([
        'WORLD.SOMETHINGHAPPENED',
      ]);
      const recordings = await app.save(World.create());
      expect(recordings.map((r) => r.notification.topic)).toEqual(['WORLD.CREATED']);
      expect((await app.recorder.selectNotifications(1, 10)).map((n) => n.topic)).toEqual(['WORLD.CREATED']);
    }
  });
});

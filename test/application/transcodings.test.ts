/**
 * The seed's custom transcodings example, rewritten for a JavaScript value type, and the
 * default transcodings every application registers.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  Aggregate,
  AggregateCreated,
  AggregateEvent,
  Application,
  DateAsIso as DateTimeAsIso,
  Snapshot,
  TranscodingError,
  type Transcoder,
  type Transcoding,
} from '../../src/index.js';

/** A calendar date with no time of day: a custom value type. */
class CalendarDate {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {}
  toIsoString(): string {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    return `${pad(this.year, 4)}-${pad(this.month, 2)}-${pad(this.day, 2)}`;
  }
  static fromIsoString(text: string): CalendarDate {
    const [year, month, day] = text.split('-').map(Number);
    return new CalendarDate(year ?? 0, month ?? 0, day ?? 0);
  }
}

/** The seed's DateAsISO: a custom transcoding named "date_iso". */
class DateAsIso implements Transcoding<CalendarDate, string> {
  readonly type = CalendarDate;
  readonly name = 'date_iso';
  encode(value: CalendarDate): string {
    return value.toIsoString();
  }
  decode(data: string): CalendarDate {
    return CalendarDate.fromIsoString(data);
  }
}

class DiaryCreated extends AggregateCreated<Diary> {
  static readonly topic = 'Diary.Created';
}

class EntryAdded extends AggregateEvent<Diary> {
  static readonly topic = 'Diary.EntryAdded';
  declare readonly on: CalendarDate;
  declare readonly extras: {
    when: Date;
    big: bigint;
    bytes: Uint8Array;
    tags: Set<string>;
    scores: Map<string, number>;
    nested: { dates: CalendarDate[] };
  };
  override apply(diary: Diary): void {
    diary.entries.push(this.on);
    diary.extras.push(this.extras);
  }
}

class Diary extends Aggregate {
  static readonly topic = 'Diary';
  static readonly events = [DiaryCreated, EntryAdded];
  entries: CalendarDate[] = [];
  extras: EntryAdded['extras'][] = [];
  static create(): Diary {
    return this.createAggregate(DiaryCreated, {});
  }
  addEntry(on: CalendarDate, extras: EntryAdded['extras']): void {
    this.triggerEvent(EntryAdded, { on, extras });
  }
}

class MyApplication extends Application {
  static override readonly applicationName = 'MyApplication';
  static override readonly aggregates = [Diary];
  protected override registerTranscodings(transcoder: Transcoder): void {
    super.registerTranscodings(transcoder);
    transcoder.register(new DateAsIso());
  }
}

class ForgetfulApplication extends Application {
  static override readonly applicationName = 'Forgetful';
  static override readonly aggregates = [Diary];
}

const extras = () => ({
  when: new Date('2026-11-27T13:14:01.123Z'),
  big: 2n ** 70n,
  bytes: Uint8Array.from([0, 1, 254, 255]),
  tags: new Set(['a', 'b']),
  scores: new Map([['x', 1]]),
  nested: { dates: [new CalendarDate(2020, 2, 29)] },
});

/** Seeded numbers in [0, 1), so a failure can be reproduced (a 32-bit LCG's high bits). */
function uniform(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 8) / 2 ** 24;
  };
}

describe('custom transcodings (the seed example)', () => {
  it('round-trips a custom value type and the default types through the application', async () => {
    const app = new MyApplication({ snapshotting: true });
    const diary = Diary.create();
    diary.addEntry(new CalendarDate(2026, 11, 27), extras());
    await app.save(diary);

    const copy = await app.repository.get<Diary>(diary.id);
    expect(copy.entries[0]).toBeInstanceOf(CalendarDate);
    expect(copy.entries[0]?.toIsoString()).toBe('2026-11-27');
    expect(copy.extras[0]).toStrictEqual(extras());

    // Snapshots transcode the aggregate's state the same way.
    await app.takeSnapshot(diary.id);
    const fromSnapshot = await app.repository.get<Diary>(diary.id);
    expect(fromSnapshot.entries[0]).toBeInstanceOf(CalendarDate);
    expect(fromSnapshot.extras[0]).toStrictEqual(extras());
  });

  it('writes the original wire format: compact JSON with _type_ and _data_', async () => {
    const app = new MyApplication();
    const diary = Diary.create();
    diary.addEntry(new CalendarDate(2026, 11, 27), extras());
    await app.save(diary);
    const [, n] = await app.log.select(1, 2);
    const json = new TextDecoder().decode(n?.state);
    expect(json).toContain('"on":{"_type_":"date_iso","_data_":"2026-11-27"}');
    expect(json).toContain('"when":{"_type_":"datetime_iso","_data_":"2026-11-27T13:14:01.123+00:00"}');
    expect(json).toContain('"big":{"_type_":"bigint","_data_":"1180591620717411303424"}');
    expect(json).toContain('"bytes":{"_type_":"bytes_base64","_data_":"AAH+/w=="}');
    expect(json).toContain('"tags":{"_type_":"set","_data_":["a","b"]}');
    expect(json).toContain('"scores":{"_type_":"map","_data_":[["x",1]]}');
    expect(json).not.toContain(' ');
    // The state holds the event's own fields and its timestamp: its originator's id and
    // version are the stored event's columns, never part of the state.
    expect(Object.keys(JSON.parse(json) as object).sort()).toEqual(['extras', 'on', 'timestamp']);
  });

  it('names the type when a value has no registered transcoding', async () => {
    const app = new ForgetfulApplication();
    const diary = Diary.create();
    diary.addEntry(new CalendarDate(2026, 11, 27), extras());
    const error = await app.save(diary).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TranscodingError);
    expect((error as Error).message).toMatch(
      /CalendarDate is not serializable; register a custom transcoding/,
    );
    // Nothing was written.
    expect(await app.recorder.maxNotificationId()).toBe(0);
  });

  it('names the stored type when no transcoding is registered to read it', async () => {
    const app = new MyApplication();
    const diary = Diary.create();
    diary.addEntry(new CalendarDate(2026, 11, 27), extras());
    await app.save(diary);
    const reader = new ForgetfulApplication({ persistence: undefined });
    const [, n] = await app.log.select(1, 2);
    await expect(reader.mapper.toDomainEvent(n as NonNullable<typeof n>)).rejects.toThrow(
      /no transcoding is registered for stored type 'date_iso'/,
    );
  });

  it('reads dates written by the original (microseconds, +00:00) and with Z', () => {
    const app = new MyApplication();
    const decode = (text: string) => app.transcoder.decode(new TextEncoder().encode(text));
    const python = decode('{"_type_":"datetime_iso","_data_":"2021-11-27T13:14:01.123456+00:00"}') as Date;
    expect(python.toISOString()).toBe('2021-11-27T13:14:01.123Z');
    const zulu = decode('{"_type_":"datetime_iso","_data_":"2021-11-27T13:14:01Z"}') as Date;
    expect(zulu.toISOString()).toBe('2021-11-27T13:14:01.000Z');
    expect(() => decode('{"_type_":"datetime_iso","_data_":"yesterday"}')).toThrow(TranscodingError);
  });

  it('reads the same text again as a new date of the same time, and still refuses bad text', () => {
    // The reader keeps the last text it parsed: the events of one save share their date.
    const dates = new DateTimeAsIso();
    const text = '2026-11-27T13:14:01.123+00:00';
    const first = dates.decode(text);
    const again = dates.decode(`${text.slice(0, 10)}${text.slice(10)}`);
    expect(again).not.toBe(first);
    expect(again.getTime()).toBe(first.getTime());
    // A date is mutable: changing one read never changes the next.
    first.setTime(0);
    expect(dates.decode(text).toISOString()).toBe('2026-11-27T13:14:01.123Z');
    // Back and forth between two texts, each read as its own time.
    const other = '2021-01-02T03:04:05.678+00:00';
    expect([text, other, text, other].map((t) => dates.decode(t).toISOString())).toEqual([
      '2026-11-27T13:14:01.123Z',
      '2021-01-02T03:04:05.678Z',
      '2026-11-27T13:14:01.123Z',
      '2021-01-02T03:04:05.678Z',
    ]);
    // Nothing that is not a date's text is read as the last one, not even a missing one.
    const fresh = new DateTimeAsIso();
    expect(() => fresh.decode(undefined as unknown as string)).toThrow(TranscodingError);
    expect(() => fresh.decode('')).toThrow(TranscodingError);
    expect(() => dates.decode('yesterday')).toThrow(TranscodingError);
    expect(dates.decode(other).toISOString()).toBe('2021-01-02T03:04:05.678Z');
    // Every reader shares the kept text: two readers taking turns each get their own dates.
    const epoch = '1970-01-01T00:00:00.000+00:00';
    const turns = [dates, fresh, dates, fresh, new DateTimeAsIso()].map((reader, i) =>
      reader.decode([text, other, epoch][i % 3] as string).getTime(),
    );
    expect(turns).toEqual([Date.parse(text), Date.parse(other), 0, Date.parse(text), Date.parse(other)]);
  });

  it('reads the text kept before any read (the epoch) as the epoch, in a fresh module', async () => {
    // The shared reader starts with a valid pair, never an empty one: a fresh copy of the module
    // has read nothing yet.
    vi.resetModules();
    const fresh = await import('../../src/persistence/transcodings.js');
    const errors = await import('../../src/errors.js');
    expect(fresh.DateAsIso).not.toBe(DateTimeAsIso);
    expect(new fresh.DateAsIso().decode('1970-01-01T00:00:00.000+00:00').getTime()).toBe(0);
    expect(() => new fresh.DateAsIso().decode('')).toThrow(errors.TranscodingError);
  });

  it('writes every date as toISOString would, with +00:00, across days, years and epochs', () => {
    const dates = new DateTimeAsIso();
    const expected = (date: Date) => date.toISOString().slice(0, -1) + '+00:00';
    // The encoder keeps the date part of the last day it wrote: go back and forth across days.
    const times = [
      0,
      -1,
      1,
      86_399_999,
      86_400_000,
      -86_400_000,
      -86_400_001,
      Date.UTC(2026, 10, 27, 23, 59, 59, 999),
      Date.UTC(2026, 10, 28),
      Date.UTC(2026, 10, 27, 9, 5, 7, 45),
      Date.UTC(1969, 11, 31, 23, 0, 0, 5),
      // The first and last milliseconds Python's datetime holds.
      -62_135_596_800_000,
      253_402_300_799_999,
      Date.UTC(2024, 1, 29, 12),
    ];
    // The encoder keeps the text of the last millisecond: the same millisecond again, the next
    // ones, the next and the previous second, back to a millisecond written before, on both
    // sides of the epoch.
    const t = Date.UTC(2026, 10, 28, 0, 17, 32, 123);
    times.push(
      t,
      t,
      t + 1,
      t,
      t + 876,
      t + 877,
      t - 123,
      t - 124,
      t + 1,
      -1000,
      -1001,
      -999,
      -1,
      -1,
      0,
      999,
      1000,
    );
    const random = uniform(11);
    for (let i = 0; i < 2_000; i++) times.push(Math.round((random() - 0.3) * 4e12));
    for (const time of times) {
      const date = new Date(time);
      expect(dates.encode(date), String(time)).toBe(expected(date));
      expect(dates.decode(dates.encode(date)).getTime(), String(time)).toBe(time);
    }
    // Every writer shares the kept texts: two writers taking turns write the same.
    const writers = [new DateTimeAsIso(), dates];
    times.forEach((time, i) => {
      const date = new Date(time);
      expect((writers[i % 2] as DateTimeAsIso).encode(date), String(time)).toBe(expected(date));
    });
  });

  it('refuses dates Python cannot hold, and reads only ISO 8601 dates, with no offset as UTC', () => {
    const dates = new DateTimeAsIso();
    // Invalid dates and years outside 1 to 9999 are a TranscodingError, never a RangeError.
    for (const time of [Number.NaN, -62_135_596_800_001, 253_402_300_800_000, Date.UTC(-200, 0, 1)]) {
      expect(() => dates.encode(new Date(time)), String(time)).toThrow(TranscodingError);
    }
    // Also right after the last valid millisecond was written (its text is kept).
    for (const [valid, invalid] of [
      [253_402_300_799_999, 253_402_300_800_000],
      [-62_135_596_800_000, -62_135_596_800_001],
      [0, Number.NaN],
    ] as const) {
      expect(dates.encode(new Date(valid))).toBe(new Date(valid).toISOString().slice(0, -1) + '+00:00');
      expect(() => dates.encode(new Date(invalid)), String(invalid)).toThrow(TranscodingError);
    }
    // A naive Python datetime is read as UTC, whatever the reader's time zone.
    expect(dates.decode('2026-11-27T13:14:01.123456').toISOString()).toBe('2026-11-27T13:14:01.123Z');
    expect(dates.decode('2026-11-27 13:14').toISOString()).toBe('2026-11-27T13:14:00.000Z');
    // Offsets are applied; the years 1 to 99 are not read as 1901 to 1999.
    expect(dates.decode('2026-11-27T08:14:01-05:00').toISOString()).toBe('2026-11-27T13:14:01.000Z');
    expect(dates.decode('2026-11-27T18:44:01.5+05:30').toISOString()).toBe('2026-11-27T13:14:01.500Z');
    expect(dates.decode('0001-01-01T00:00:00+00:00').getTime()).toBe(-62_135_596_800_000);
    expect(dates.decode('0099-06-01T00:00:00Z').getUTCFullYear()).toBe(99);
    expect(dates.decode('2024-02-29T00:00:00.123456789-0130').toISOString()).toBe('2024-02-29T01:30:00.123Z');
    // Offsets as Python writes them: with seconds and a fraction, without colons, hours alone.
    expect(dates.decode('2026-11-27T18:44:16.5+05:30:15').toISOString()).toBe('2026-11-27T13:14:01.500Z');
    expect(dates.decode('2026-11-27T18:44:16+05:30:15.25').toISOString()).toBe('2026-11-27T13:14:00.750Z');
    expect(dates.decode('2026-11-27T18:44:01+0530').toISOString()).toBe('2026-11-27T13:14:01.000Z');
    expect(dates.decode('2026-11-27T18:14:01+05').toISOString()).toBe('2026-11-27T13:14:01.000Z');
    // Any valid date with an offset reads as the Date constructor reads it.
    const random = uniform(13);
    for (let i = 0; i < 500; i++) {
      const time = Math.round((random() - 0.5) * 1e13);
      const minutes = Math.round((random() - 0.5) * 1_500);
      const sign = minutes < 0 ? '-' : '+';
      const hh = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
      const mm = String(Math.abs(minutes) % 60).padStart(2, '0');
      const text = `${new Date(time + minutes * 60_000).toISOString().slice(0, -1)}${sign}${hh}:${mm}`;
      expect(dates.decode(text).getTime(), text).toBe(new Date(text).getTime());
    }
    // Loose text the Date constructor would take, and fields out of range, are not dates.
    for (const text of [
      '2020',
      'March 7, 2020',
      '2021-02-31T00:00:00+00:00',
      '2023-02-29T00:00:00+00:00',
      '2021-01-01T24:00:00Z',
      '0000-01-01T00:00:00Z',
      '2021-01-01T00:00:00.Z',
      '2021-01-01T00:00:00+00:00 ',
      '2021-01-01T00:00:60Z',
      '2021-01-01T00:00:00+24:00',
      '2021-01-01T00:00:00.1234567890Z',
      '2021-01-01T00:00:00+05:3',
      '2021-01-01T00:00:00+0530:15',
      '2021-01-01T00:00:00+05:30.5',
      // Read with their offsets, these fall outside the years 1 to 9999: they could not be written again.
      '0001-01-01T00:00:00+01:00',
      '9999-12-31T23:00:00-05:00',
      '',
    ]) {
      expect(() => dates.decode(text), text).toThrow(TranscodingError);
    }
  });

  it('refuses what JSON cannot hold or would read back as something else, writing nothing', () => {
    const app = new MyApplication();
    const encode = (value: unknown) => app.transcoder.encode(value);
    // Numbers JSON has no text for (JSON.stringify would write null).
    for (const n of [Number.NaN, Infinity, -Infinity]) {
      expect(() => encode({ n }), String(n)).toThrow(TranscodingError);
    }
    // A plain object that looks like a custom type (the original's reader goes by the two
    // keys alone, whatever `_type_` holds); near misses are plain data.
    for (const lookalike of [
      { _type_: 'foo', _data_: 1 },
      { _type_: 1, _data_: 1 },
      { _type_: null, _data_: null },
    ]) {
      expect(() => encode({ x: lookalike }), JSON.stringify(lookalike)).toThrow(/'_type_' and '_data_'/);
    }
    for (const plain of [
      { _type_: 'foo', _data_: 1, more: 2 },
      { _type_: 'foo' },
      { _type_: 1, _data_: undefined },
    ]) {
      expect(app.transcoder.decode(encode({ x: plain }))).toEqual({ x: plain });
    }
    // Nesting: 500 levels are written and read back, 501 are refused.
    const nest = (levels: number, core: unknown = 'core'): unknown => {
      let value = core;
      for (let i = 0; i < levels; i++) value = [value];
      return value;
    };
    expect(app.transcoder.decode(encode(nest(500)))).toEqual(nest(500));
    expect(() => encode(nest(501))).toThrow(/nested deeper than 500/);
    // A bigint is written as a `_type_`/`_data_` object: one level, as an object is.
    expect(app.transcoder.decode(encode(nest(499, 7n)))).toEqual(nest(499, 7n));
    expect(() => encode(nest(500, 7n))).toThrow(/nested deeper than 500/);
    expect(() => encode(nest(500, {}))).toThrow(/nested deeper than 500/);
    // Deeper state written by something else is a TranscodingError, not a stack overflow.
    const deep = new TextEncoder().encode(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(() => app.transcoder.decode(deep)).toThrow(TranscodingError);
  });

  it('writes a plain object whose key is "constructor" as data, and reads back what its transcodings refuse as TranscodingError', () => {
    const app = new MyApplication();
    const words = { constructor: 3, the: 5 };
    expect(new TextDecoder().decode(app.transcoder.encode({ words }))).toBe(
      '{"words":{"constructor":3,"the":5}}',
    );
    expect(app.transcoder.decode(app.transcoder.encode({ words }))).toEqual({ words });
    // An object made from another object: its inherited fields would be lost, so it is refused.
    expect(() => app.transcoder.encode({ o: Object.create({ inherited: 1 }) as object })).toThrow(
      /not plain data/,
    );
    // Types are matched exactly, as in the original: a subclass of a type with a transcoding
    // (Node's Buffer is one of Uint8Array) would be read back as its parent, so it is refused.
    class Bytes extends Uint8Array {}
    class Day extends Date {}
    expect(() => app.transcoder.encode({ b: new Bytes(2) })).toThrow(
      /object of type Bytes is not serializable/,
    );
    expect(() => app.transcoder.encode({ d: new Day(0) })).toThrow(/object of type Day is not serializable/);
    // A function under that key is still a function: not data.
    expect(() => app.transcoder.encode({ c: { constructor: Map } })).toThrow(TranscodingError);
    // A stored custom type whose data its transcoding cannot read.
    const decode = (text: string) => app.transcoder.decode(new TextEncoder().encode(text));
    for (const text of [
      '{"b":{"_type_":"bigint","_data_":"1.5"}}',
      // BigInt() alone would read these as 0n, 31n and 7n.
      '{"b":{"_type_":"bigint","_data_":""}}',
      '{"b":{"_type_":"bigint","_data_":" 0x1F "}}',
      '{"b":{"_type_":"bigint","_data_":[7]}}',
      '{"m":{"_type_":"map","_data_":7}}',
      // new Map() alone would take an entry of one or three items.
      '{"m":{"_type_":"map","_data_":[["k"]]}}',
      '{"m":{"_type_":"map","_data_":[["k",1,2]]}}',
      // new Set() alone would take a string's characters.
      '{"s":{"_type_":"set","_data_":"abc"}}',
      // atob alone would take a number's digits, whitespace and missing padding.
      '{"u":{"_type_":"bytes_base64","_data_":12}}',
      '{"u":{"_type_":"bytes_base64","_data_":"AAE"}}',
      '{"u":{"_type_":"bytes_base64","_data_":"AA E="}}',
      '{"d":{"_type_":"datetime_iso","_data_":7}}',
      '{"d":{"_type_":"datetime_iso","_data_":"nope"}}',
    ]) {
      // Every reader alike: a TranscodingError naming the stored type, the reader's error as cause.
      const type = (JSON.parse(text) as Record<string, { _type_: string }>)[text.slice(2, 3)]?._type_;
      let error: unknown;
      try {
        decode(text);
      } catch (caught) {
        error = caught;
      }
      expect(error, text).toBeInstanceOf(TranscodingError);
      expect((error as Error).message, text).toContain(`stored '${String(type)}' data`);
      expect((error as Error).cause, text).toBeInstanceOf(Error);
    }
    // What the transcodings write is still read.
    expect(decode('{"b":{"_type_":"bigint","_data_":"-12345678901234567890"}}')).toEqual({
      b: -12345678901234567890n,
    });
    expect(decode('{"u":{"_type_":"bytes_base64","_data_":"AAE="}}')).toEqual({ u: new Uint8Array([0, 1]) });
  });

  it('writes small states into shared blocks, each state bytes no later state writes over', () => {
    const app = new MyApplication();
    const long = 'ü🦕x'.repeat(40_000);
    // Enough small states for several 16 KiB blocks, one with text of 3 bytes per character,
    // then a long one, then small ones again.
    const small = (i: number) => ({ n: i, text: i % 7 === 0 ? '漢'.repeat(300) : 'x'.repeat(i % 50) });
    const states = Array.from({ length: 2_000 }, (_, i) => app.transcoder.encode(small(i)));
    const big = app.transcoder.encode({ what: long });
    states.push(...Array.from({ length: 100 }, (_, i) => app.transcoder.encode(small(2_000 + i))));
    const buffers = new Set(states.map((state) => state.buffer));
    // Small states are views of 16 KiB blocks, several to a block, each 4-byte aligned.
    expect(buffers.size).toBeGreaterThan(10);
    expect(buffers.size).toBeLessThan(states.length / 10);
    for (const state of states) {
      expect(state.buffer.byteLength).toBe(16_384);
      expect(state.byteOffset % 4).toBe(0);
    }
    // No two states share a byte: sorted by offset within a block, each ends before the next.
    for (const buffer of buffers) {
      const inBlock = states
        .filter((state) => state.buffer === buffer)
        .sort((x, y) => x.byteOffset - y.byteOffset);
      for (let i = 1; i < inBlock.length; i++) {
        const before = inBlock[i - 1] as Uint8Array;
        expect(before.byteOffset + before.byteLength).toBeLessThanOrEqual(
          (inBlock[i] as Uint8Array).byteOffset,
        );
      }
    }
    // A state larger than a block has a buffer of exactly its own bytes.
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(big.byteLength);
    expect(app.transcoder.decode(big)).toEqual({ what: long });
    // Every state still reads as written after all the others, and changing one changes no other.
    (states[0] as Uint8Array).fill(0x20);
    expect(states.slice(1).map((state) => app.transcoder.decode(state))).toEqual(
      Array.from({ length: states.length - 1 }, (_, i) => small(i + 1)),
    );
  });

  it('writes a state whole when a transcoding encodes with the same transcoder while it writes', () => {
    class Wrapped {
      constructor(readonly inner: unknown) {}
    }
    const transcoder = new MyApplication().transcoder;
    const inner: Uint8Array[] = [];
    const filler = (i: number) => ({ i, text: 'f'.repeat(1_000) });
    transcoder.register<Wrapped, string>({
      type: Wrapped,
      name: 'wrapped',
      encode: (value) => {
        // Encoding in the middle of the outer value's writing, enough to move on to a new
        // block: the outer state goes after all of it, in the block then current.
        for (let i = 0; i < 20; i++) inner.push(transcoder.encode(filler(i)));
        const bytes = transcoder.encode(value.inner);
        inner.push(bytes);
        return new TextDecoder().decode(bytes);
      },
      decode: (data) => new Wrapped(JSON.parse(data)),
    });
    const outer = transcoder.encode({ a: new Wrapped({ b: 1 }), c: 'after' });
    expect(new Set(inner.map((bytes) => bytes.buffer)).size).toBeGreaterThan(1);
    expect(new TextDecoder().decode(outer)).toBe(
      '{"a":{"_type_":"wrapped","_data_":"{\\"b\\":1}"},"c":"after"}',
    );
    expect(transcoder.decode(outer)).toEqual({ a: new Wrapped({ b: 1 }), c: 'after' });
    // What was written meanwhile is intact after the outer state.
    expect(inner.slice(0, 20).map((bytes) => transcoder.decode(bytes))).toEqual(
      Array.from({ length: 20 }, (_, i) => filler(i)),
    );
    expect(new TextDecoder().decode(inner[20])).toBe('{"b":1}');
  });

  it('writes JSON of up to 1,024 UTF-16 code units into a block, and longer JSON into a buffer of its own', () => {
    const transcoder = new MyApplication().transcoder;
    // {"t":"..."} is 8 units around the text; '漢' is one unit and 3 bytes of UTF-8.
    const at = (units: number, char: string) => transcoder.encode({ t: char.repeat(units - 8) });
    for (const char of ['x', '漢']) {
      const inBlock = at(1_024, char);
      const own = at(1_025, char);
      expect(inBlock.buffer.byteLength).toBe(16_384);
      expect(own.byteOffset).toBe(0);
      expect(own.buffer.byteLength).toBe(own.byteLength);
      expect(transcoder.decode(inBlock)).toEqual({ t: char.repeat(1_016) });
      expect(transcoder.decode(own)).toEqual({ t: char.repeat(1_017) });
    }
  });

  it('writes each custom value from its own text, whatever the text of the value before', () => {
    // A transcoding that writes text: the transcoder keeps the JSON of the last short text of
    // each transcoding, which must never stand for another text, or for another transcoding's.
    class Label {
      constructor(readonly text: string) {}
    }
    class Tag {
      constructor(readonly text: string) {}
    }
    const transcoder = new MyApplication().transcoder;
    for (const [type, name] of [
      [Label, 'label'],
      [Tag, 'tag'],
    ] as const) {
      transcoder.register<Label | Tag, string>({
        type,
        name,
        encode: (value) => value.text,
        decode: (text) => new type(text),
      });
    }
    const long = 'x'.repeat(65);
    const texts = ['', '', 'a', 'a', '', 'é"\\\n', 'é"\\\n', long, long, `${long}y`, 'a', 'b'];
    const values = texts.flatMap((text) => [new Label(text), new Tag(text)]);
    const json = values.map((value) => new TextDecoder().decode(transcoder.encode({ value })));
    expect(json).toEqual(
      values.map((value) =>
        JSON.stringify({ value: { _type_: value instanceof Label ? 'label' : 'tag', _data_: value.text } }),
      ),
    );
    expect(values.map((value) => transcoder.decode(transcoder.encode(value)))).toStrictEqual(values);
  });

  it('writes what JSON.stringify writes for the transcoded value, for any nesting of JSON values', () => {
    const app = new MyApplication();
    const texts = [
      '',
      'plain',
      'quote " and \\ backslash',
      'new\nline\ttab\u0000nul\u001f',
      'é ü 漢字',
      '🦕',
      '\ud800 lone',
      'x\udc00',
      '\u2028\u2029',
    ];
    const numbers = [0, -0, 1, -1.5, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE];
    const leaves: unknown[] = [...texts, ...numbers, true, false, null, undefined];
    let seed = 7;
    const random = (n: number) => {
      // A 32-bit linear congruential generator; its high bits are the random ones.
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return (seed >>> 16) % n;
    };
    const value = (depth: number): unknown => {
      const kind = depth > 3 ? 0 : random(3);
      if (kind === 0) return leaves[random(leaves.length)];
      if (kind === 1) return Array.from({ length: random(4) }, () => value(depth + 1));
      const record: Record<string, unknown> = {};
      for (let i = random(4); i > 0; i--) record[texts[random(texts.length)] ?? 'k'] = value(depth + 1);
      return record;
    };
    let objects = 0;
    let arrays = 0;
    const count = (v: unknown): void => {
      if (Array.isArray(v)) {
        arrays += 1;
        v.forEach(count);
      } else if (typeof v === 'object' && v !== null) {
        objects += 1;
        Object.values(v).forEach(count);
      }
    };
    for (let i = 0; i < 500; i++) {
      const v = { root: value(0), list: [value(1), value(1)] };
      count(v.root);
      expect(new TextDecoder().decode(app.transcoder.encode(v))).toBe(JSON.stringify(v));
    }
    // The generator does nest: hundreds of objects and arrays below the root.
    expect(objects).toBeGreaterThan(200);
    expect(arrays).toBeGreaterThan(200);
    // Shapes a generator rarely makes: integer-like keys (written first, in order), an object
    // without a prototype, an enumerable getter, a sparse array.
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    const noPrototype = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    const withGetter = Object.defineProperty({ x: 1 }, 'y', { enumerable: true, get: () => 'got' });
    const shapes: unknown[] = [{ b: 1, 2: 'two', a: 3, 1: 'one' }, noPrototype, withGetter, sparse, {}, []];
    for (const shape of shapes) {
      expect(new TextDecoder().decode(app.transcoder.encode(shape))).toBe(JSON.stringify(shape));
    }
    // A custom value inside the same shapes is its _type_/_data_ object.
    const when = new Date('2026-11-27T13:14:01.123Z');
    expect(new TextDecoder().decode(app.transcoder.encode({ a: [undefined, { when }], b: undefined }))).toBe(
      '{"a":[null,{"when":{"_type_":"datetime_iso","_data_":"2026-11-27T13:14:01.123+00:00"}}]}',
    );
    expect(() => app.transcoder.encode({ f: () => 1 })).toThrow(TranscodingError);
    // A transcoding that gives undefined is a mistake JSON would hide: it is an error.
    app.transcoder.register({ type: Uint16Array, name: 'lost', encode: () => undefined, decode: () => 0 });
    expect(() => app.transcoder.encode({ u: new Uint16Array(1) })).toThrow(
      /transcoding 'lost' gave undefined/,
    );
    expect(() => app.transcoder.encode({ s: Symbol('s') })).toThrow(TranscodingError);
  });

  it('refuses a transcoding whose name another type has, which would read that type back as its own', () => {
    class Day {
      constructor(readonly iso: string) {}
    }
    const days: Transcoding<Day, string> = {
      type: Day,
      name: 'datetime_iso',
      encode: (day) => day.iso,
      decode: (iso) => new Day(iso),
    };
    const transcoder = new MyApplication().transcoder;
    // Taken by Date's transcoding: a stored Date would be read back as a Day.
    expect(() => {
      transcoder.register(days);
    }).toThrow(TypeError);
    expect(() => {
      transcoder.register(days);
    }).toThrow(/'datetime_iso' is taken by the transcoding of Date/);
    const when = new Date('2026-11-27T13:14:01.123Z');
    expect(transcoder.decode(transcoder.encode({ when }))).toStrictEqual({ when });
    // Under a name of its own it is registered; the same type again under the same name
    // replaces its transcoding.
    transcoder.register({ ...days, name: 'day' });
    transcoder.register({ ...days, name: 'day', encode: (day: Day) => day.iso.slice(0, 10) });
    expect(new TextDecoder().decode(transcoder.encode({ on: new Day('2026-11-27T13') }))).toBe(
      '{"on":{"_type_":"day","_data_":"2026-11-27"}}',
    );
    // A type registered again under a new name is written with it; its old name is still read.
    const old = transcoder.encode({ on: new Day('2026-11-27') });
    transcoder.register({ ...days, name: 'calendar_day' });
    expect(new TextDecoder().decode(transcoder.encode({ on: new Day('x') }))).toBe(
      '{"on":{"_type_":"calendar_day","_data_":"x"}}',
    );
    expect(transcoder.decode(old)).toStrictEqual({ on: new Day('2026-11-27') });
    // A type that no value has as its constructor, and a name that is no text, are mistakes.
    expect(() => {
      transcoder.register({ ...days, type: Day.prototype, name: 'proto' });
    }).toThrow(/constructor/);
    expect(() => {
      transcoder.register({ ...days, name: '' });
    }).toThrow(TypeError);
  });

  it('keeps values of subclasses of Date, Map and Set with transcodings of their own as they are', async () => {
    class Day extends Date {}
    class Stock extends Map<string, number> {
      total(): number {
        return [...this.values()].reduce((sum, n) => sum + n, 0);
      }
    }
    class Tags extends Set<string> {}
    class ShopCreated extends AggregateCreated<Shop> {
      static readonly topic = 'Shop.Created';
      declare readonly opened: Day;
      declare readonly stock: Stock;
      declare readonly tags: Tags;
    }
    class Shop extends Aggregate {
      static readonly topic = 'Shop';
      static readonly events = [ShopCreated];
      opened = new Day(0);
      stock = new Stock();
      tags = new Tags();
      static create(opened: Day, stock: Stock, tags: Tags): Shop {
        return this.createAggregate(ShopCreated, { opened, stock, tags });
      }
    }
    class Shops extends Application {
      static override readonly applicationName = 'Shops';
      static override readonly aggregates = [Shop];
      protected override registerTranscodings(transcoder: Transcoder): void {
        super.registerTranscodings(transcoder);
        transcoder.register<Day, number>({
          type: Day,
          name: 'day',
          encode: (day) => day.getTime(),
          decode: (time) => new Day(time),
        });
        transcoder.register<Stock, [string, number][]>({
          type: Stock,
          name: 'stock',
          encode: (stock) => [...stock],
          decode: (pairs) => new Stock(pairs),
        });
        transcoder.register<Tags, string[]>({
          type: Tags,
          name: 'tags',
          encode: (tags) => [...tags],
          decode: (names) => new Tags(names),
        });
      }
    }
    const classes = (shop: Shop) => [
      shop.opened instanceof Day,
      shop.stock instanceof Stock,
      shop.tags instanceof Tags,
    ];
    const app = new Shops({ snapshotting: true });
    const shop = Shop.create(new Day(86_400_000), new Stock([['apples', 3]]), new Tags(['fruit']));
    // The created event's payload is copied onto the aggregate: each value keeps its class.
    expect(classes(shop)).toEqual([true, true, true]);
    expect(shop.stock.total()).toBe(3);
    await app.save(shop);
    const replayed = await app.repository.get<Shop>(shop.id);
    expect(classes(replayed)).toEqual([true, true, true]);
    const taken = Snapshot.take(replayed).restore(Shop);
    expect(classes(taken)).toEqual([true, true, true]);
    await app.takeSnapshot(shop.id);
    const restored = await app.repository.get<Shop>(shop.id);
    expect(classes(restored)).toEqual([true, true, true]);
    expect(restored.stock.total()).toBe(3);
    // Stored with their own transcodings, not as a date, a map and a set.
    const [snapshot] = (await app.snapshots?.recorder.selectEvents(shop.id)) ?? [];
    const json = new TextDecoder().decode(snapshot?.state);
    expect(json).toContain('"opened":{"_type_":"day","_data_":86400000}');
    expect(json).toContain('"stock":{"_type_":"stock","_data_":[["apples",3]]}');
    expect(json).toContain('"tags":{"_type_":"tags","_data_":["fruit"]}');
  });

  it('says what is wrong with a value that holds itself, or of an anonymous class', () => {
    const transcoder = new MyApplication().transcoder;
    const list: unknown[] = [];
    list.push({ list });
    const map = new Map<string, unknown>();
    map.set('self', map);
    for (const value of [list, { map }]) {
      expect(() => transcoder.encode({ value })).toThrow(TranscodingError);
      expect(() => transcoder.encode({ value })).toThrow(/or that hold themselves/);
    }
    const Anonymous = (() => class {})();
    expect(() => transcoder.encode({ value: new Anonymous() })).toThrow(
      /object of an anonymous class is not serializable/,
    );
    // A prototype without a constructor names no type: the object is not plain data.
    const orphan = Object.create(Object.create(null) as object) as object;
    expect(() => transcoder.encode({ value: orphan })).toThrow(/not plain data/);
  });

  it('keeps non-ASCII text as UTF-8, not escaped', () => {
    const app = new MyApplication();
    const bytes = app.transcoder.encode({ what: 'dinosaurs 🦕 ü' });
    expect(new TextDecoder().decode(bytes)).toBe('{"what":"dinosaurs 🦕 ü"}');
    expect(app.transcoder.decode(bytes)).toEqual({ what: 'dinosaurs 🦕 ü' });
  });
});

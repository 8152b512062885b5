/**
 * The bare loops (`raw-memory`): the work of a workload with no library around it, measured in
 * the same run so the library's overhead reads as a ratio. A codec workload passes its codec
 * calls in, so its bare loop does exactly the codec work too.
 *
 * @module
 */
import { newId } from '../../src/domain/ids.js';
import { BlockEncoder } from '../../src/persistence/bytes.js';
import { DateAsIso } from '../../src/persistence/transcodings.js';
import type { Timed, Workload } from '../harness.js';
import { WHAT } from './worlds.js';

/** Bytes in, bytes out: a compressor's or cipher's call, sync or async. */
export type ByteStep = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** A stored record of the bare store: the four columns of a stored event. */
interface RawRecord {
  readonly originatorId: string;
  readonly originatorVersion: number;
  readonly topic: string;
  readonly state: Uint8Array;
}

/** An event of the bare decode loop: its parsed state with the two columns and a `Date`. */
interface RawEvent {
  originatorId: string;
  originatorVersion: number;
  timestamp: Date | { _data_: string };
  [field: string]: unknown;
}

/** Writes a date as the library's transcoder does, so both loops make the same bytes. */
function isoDate(date: Date): { _type_: string; _data_: string } {
  return { _type_: 'datetime_iso', _data_: date.toISOString().slice(0, -1) + '+00:00' };
}

/**
 * The bare loop of `a`: per event a uuid (the platform's `crypto.randomUUID`, as a bare loop
 * would make it), a timestamp, the JSON of the created event's state, UTF-8 encoding (then
 * `encode`, when given), and an insert into a Map-and-array store.
 *
 * @param workload - the workload it is the bare loop of
 * @param encode - codec work per event (compress, then encrypt), if any
 * @returns the workload
 */
export function rawInserts(workload = 'a', encode?: ByteStep): Workload {
  return {
    workload,
    recorder: 'raw-memory',
    unit: 'events/s',
    description: 'bare loop: uuid, timestamp, JSON, UTF-8 encode, Map-and-array insert per event',
    async prepare(): Promise<Timed> {
      const streams = new Map<string, RawRecord[]>();
      const log: RawRecord[] = [];
      const encoder = new TextEncoder();
      const n = 10_000;
      return {
        operations: n,
        async run() {
          for (let i = 0; i < n; i++) {
            const originatorId = crypto.randomUUID();
            const json = JSON.stringify({ timestamp: isoDate(new Date()), originatorTopic: 'World' });
            let state: Uint8Array = encoder.encode(json);
            if (encode !== undefined) state = await encode(state);
            const record: RawRecord = { originatorId, originatorVersion: 1, topic: 'World.Created', state };
            if (streams.has(originatorId)) throw new Error('bench: duplicate id');
            streams.set(originatorId, [record]);
            log.push(record);
          }
        },
      };
    },
  };
}

/**
 * A floor for `a` and `b`: the bare work written as tightly as it can be, with no event
 * objects, no promises and no argument checks. Per event a timestamp (written by the
 * library's `DateAsIso`), the state's JSON as one string (the bytes the library writes), UTF-8
 * encoding into a shared block (the library's `BlockEncoder`), and a Map-and-array insert;
 * for `a` also a uuid (the library's generator), the check that it is new, and a new stream.
 *
 * @param workload - `a` (10,000 new Worlds) or `b` (10,000 events of one World)
 * @param python - the Python original's figure, to show what the floor is against it
 * @returns the workload
 */
export function tunedInserts(workload: 'a' | 'b', python: number): Workload {
  return {
    workload,
    recorder: 'raw-tuned',
    unit: workload === 'a' ? 'events/s' : 'saves/s',
    description: 'the floor: the same bytes written by hand, no objects, promises or argument checks',
    python,
    async prepare(): Promise<Timed> {
      const streams = new Map<string, RawRecord[]>();
      const log: RawRecord[] = [];
      // The library's own date writer and block encoder: the tightest way to do that work.
      const dates = new DateAsIso();
      const blocks = new BlockEncoder();
      const n = 10_000;
      const one = newId();
      const stream: RawRecord[] = [];
      streams.set(one, stream);
      return {
        operations: n,
        async run() {
          for (let i = 0; i < n; i++) {
            const timestamp = `{"timestamp":{"_type_":"datetime_iso","_data_":"${dates.encode(new Date())}"}`;
            if (workload === 'a') {
              const originatorId = newId();
              const state = blocks.encode(`${timestamp},"originatorTopic":"World"}`);
              const record: RawRecord = { originatorId, originatorVersion: 1, topic: 'World.Created', state };
              if (streams.has(originatorId)) throw new Error('bench: duplicate id');
              streams.set(originatorId, [record]);
              log.push(record);
            } else {
              const state = blocks.encode(`${timestamp},"what":"${WHAT}"}`);
              const record: RawRecord = {
                originatorId: one,
                originatorVersion: i + 2,
                topic: 'World.SomethingHappened',
                state,
              };
              (streams.get(one) as RawRecord[]).push(record);
              log.push(record);
            }
          }
        },
      };
    },
  };
}

/**
 * The bare loop of `d3`: per stored notification (made before the timer, 200 originators ×
 * 100 versions), `decode` when given, then UTF-8 decoding, JSON parsing, a `Date` and an event
 * object.
 *
 * @param workload - the workload it is the bare loop of
 * @param codec - `encode` used to make the stored bytes and `decode` timed per notification
 * @returns the workload
 */
export function rawDecode(
  workload = 'd3',
  codec: { readonly encode?: ByteStep; readonly decode?: ByteStep } = {},
): Workload {
  return {
    workload,
    recorder: 'raw-memory',
    unit: 'notifications/s',
    description: 'bare loop: UTF-8 decode, JSON parse, Date, the parsed object as the event',
    async prepare(): Promise<Timed> {
      const encoder = new TextEncoder();
      const records: RawRecord[] = [];
      for (let w = 0; w < 200; w++) {
        const originatorId = crypto.randomUUID();
        for (let version = 1; version <= 100; version++) {
          const fields = version === 1 ? { originatorTopic: 'World' } : { what: WHAT };
          let state: Uint8Array = encoder.encode(
            JSON.stringify({ timestamp: isoDate(new Date()), ...fields }),
          );
          if (codec.encode !== undefined) state = await codec.encode(state);
          const topic = version === 1 ? 'World.Created' : 'World.SomethingHappened';
          records.push({ originatorId, originatorVersion: version, topic, state });
        }
      }
      const decoder = new TextDecoder();
      const decode = codec.decode;
      return {
        operations: records.length,
        async run() {
          const events: RawEvent[] = [];
          for (const record of records) {
            const state = decode === undefined ? record.state : await decode(record.state);
            // The parsed object becomes the event: the leanest bare loop, with no copy.
            const event = JSON.parse(decoder.decode(state)) as RawEvent;
            event.originatorId = record.originatorId;
            event.originatorVersion = record.originatorVersion;
            event.timestamp = new Date((event.timestamp as { _data_: string })._data_);
            events.push(event);
          }
          if (events.length !== records.length) throw new Error('bench: lost events');
        },
      };
    },
  };
}

/**
 * The bare loop of `c2`: per get, UTF-8 decoding and JSON parsing of the stored snapshot (the
 * very bytes the library stored for the World of 10,000 events), and a `Date` for each of its
 * three timestamps.
 *
 * @param state - the stored snapshot's state
 * @param gets - gets per run
 * @returns the workload
 */
export function rawSnapshotGet(state: () => Promise<Uint8Array>, gets: number): Workload {
  return {
    workload: 'c2',
    recorder: 'raw-memory',
    unit: 'ms/get',
    description: "bare loop: UTF-8 decode and JSON parse of the snapshot's bytes, three Dates",
    async prepare(): Promise<Timed> {
      const bytes = await state();
      const decoder = new TextDecoder();
      const date = (value: unknown): Date => new Date((value as { _data_: string })._data_);
      return {
        operations: gets,
        async run() {
          for (let i = 0; i < gets; i++) {
            const body = JSON.parse(decoder.decode(bytes)) as Record<string, Record<string, unknown>>;
            const aggregate = body['state'] as Record<string, unknown>;
            const dates = [
              date(body['timestamp']),
              date(aggregate['createdOn']),
              date(aggregate['modifiedOn']),
            ];
            // 9,999 things happened: the created event adds none to the history.
            if ((aggregate['history'] as unknown[]).length !== 9_999 || dates.length !== 3) {
              throw new Error('bench: not the snapshot of 10,000 events');
            }
          }
        },
      };
    },
  };
}

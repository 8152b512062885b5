/**
 * The transcodings every application registers: `Date`, `bigint`, `Uint8Array`, `Map`, `Set`.
 *
 * @module
 */
import { TranscodingError } from '../errors.js';
import { fromBase64, toBase64 } from './bytes.js';
import type { Transcoding } from './transcoder.js';

const MS_PER_DAY = 86_400_000;

function pad2(n: number): string {
  return n < 10 ? `0${String(n)}` : String(n);
}

function pad3(n: number): string {
  return n < 10 ? `00${String(n)}` : n < 100 ? `0${String(n)}` : String(n);
}

/**
 * `Date` as ISO 8601 in the original's format (`2026-11-27T13:14:01.123+00:00`); reads `Z`
 * and the original's microseconds too (kept to the millisecond).
 */
export class DateAsIso implements Transcoding<Date, string> {
  readonly type = Date;
  readonly name = 'datetime_iso';
  #day = Number.NaN;
  #dayPrefix = '';

  encode(value: Date): string {
    // Formatting is most of an event's encoding cost, and events of one day share their date:
    // the date part is made once per day (by toISOString, which also rejects invalid dates).
    const time = value.getTime();
    const day = Math.floor(time / MS_PER_DAY);
    if (day !== this.#day) {
      this.#dayPrefix = value.toISOString().slice(0, -13);
      this.#day = day;
    }
    let ms = time - day * MS_PER_DAY;
    const hours = Math.floor(ms / 3_600_000);
    ms -= hours * 3_600_000;
    const minutes = Math.floor(ms / 60_000);
    ms -= minutes * 60_000;
    const seconds = Math.floor(ms / 1000);
    ms -= seconds * 1000;
    return `${this.#dayPrefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(ms)}+00:00`;
  }
  decode(data: string): Date {
    const date = new Date(data);
    if (Number.isNaN(date.getTime())) {
      throw new TranscodingError(`transcoder: '${data}' is not an ISO 8601 date`);
    }
    return date;
  }
}

/** `bigint` as its decimal digits. */
export class BigIntAsString implements Transcoding<bigint, string> {
  readonly type = BigInt;
  readonly name = 'bigint';
  encode(value: bigint): string {
    return value.toString();
  }
  decode(data: string): bigint {
    return BigInt(data);
  }
}

/** `Uint8Array` as base64. */
export class BytesAsBase64 implements Transcoding<Uint8Array, string> {
  readonly type = Uint8Array;
  readonly name = 'bytes_base64';
  encode(value: Uint8Array): string {
    return toBase64(value);
  }
  decode(data: string): Uint8Array {
    return fromBase64(data);
  }
}

/** `Map` as a list of `[key, value]` pairs (keys and values transcoded too). */
export class MapAsPairs implements Transcoding<Map<unknown, unknown>, [unknown, unknown][]> {
  readonly type = Map;
  readonly name = 'map';
  encode(value: Map<unknown, unknown>): [unknown, unknown][] {
    return [...value];
  }
  decode(data: [unknown, unknown][]): Map<unknown, unknown> {
    return new Map(data);
  }
}

/** `Set` as a list of its members (transcoded too). */
export class SetAsList implements Transcoding<Set<unknown>, unknown[]> {
  readonly type = Set;
  readonly name = 'set';
  encode(value: Set<unknown>): unknown[] {
    return [...value];
  }
  decode(data: unknown[]): Set<unknown> {
    return new Set(data);
  }
}

/**
 * The JSON transcoder: domain values to compact UTF-8 JSON and back, in the original's wire
 * format, with custom types written as `{"_type_": name, "_data_": encoded}`.
 *
 * @module
 */
import { TranscodingError } from '../errors.js';
import { BlockEncoder } from './bytes.js';

/**
 * Encodes values of one type as JSON-compatible data, and decodes them again.
 *
 * @example
 * ```ts
 * class TemporalDateAsIso implements Transcoding<PlainDate, string> {
 *   readonly type = PlainDate;
 *   readonly name = 'date_iso';
 *   encode(value: PlainDate): string { return value.toString(); }
 *   decode(data: string): PlainDate { return PlainDate.from(data); }
 * }
 * ```
 */
export interface Transcoding<T = unknown, D = unknown> {
  /** The constructor of the values (its `prototype.constructor`); `BigInt` for bigints. */
  readonly type: object;
  /** The name written as `_type_`: one type's only (another type's name is refused). */
  readonly name: string;
  /**
   * Encodes a value.
   *
   * @param value - a value of the type
   * @returns JSON-compatible data (it may hold other transcoded values)
   */
  encode(value: T): D;
  /**
   * Decodes data made by {@link Transcoding.encode}.
   *
   * @param data - the decoded `_data_`
   * @returns the value
   */
  decode(data: D): T;
}

type AnyTranscoding = Transcoding;

/**
 * A registered transcoding, the JSON that starts its objects, and the last short text it gave
 * with that text's JSON (at first the empty text's: a kept pair is always a valid one).
 */
interface Registered {
  readonly transcoding: AnyTranscoding;
  readonly prefix: string;
  lastData: string;
  lastJson: string;
}

/** Characters a JSON string cannot hold as they are: quote, backslash, controls, surrogates. */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON must escape
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Writes a string as JSON: as it is between quotes, unless a character needs escaping. */
function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** The most top-level keys kept written as JSON. */
const MAX_KEYS = 256;

/**
 * Top-level keys already written as JSON: the field names of event classes, which repeat.
 * Keys inside values are data (the keys of a map kept as an object) and are not kept. The
 * JSON of a key depends on nothing else, so every transcoder shares them: a new application
 * (a Worker may make one per request) writes its first events as fast as the last one did.
 */
const keptKeys = new Map<string, KeptKey>();

/**
 * A top-level key written as JSON with what comes before it and the colon after it, so that
 * a field is written in two pieces (key and value), and a state in few.
 */
interface KeptKey {
  /** As the first key: `{"name":`. */
  readonly first: string;
  /** After another field: `,"name":`. */
  readonly next: string;
}

/** Returns a top-level key written as JSON, kept for the next time when there is room. */
function keptKey(key: string): KeptKey {
  let kept = keptKeys.get(key);
  if (kept === undefined) {
    const json = quote(key);
    kept = { first: `{${json}:`, next: `,${json}:` };
    if (keptKeys.size < MAX_KEYS) keptKeys.set(key, kept);
  }
  return kept;
}

/** The longest text of a custom value whose JSON a transcoder keeps for the next value. */
const MAX_KEPT_TEXT = 64;

/** The key whose assignment replaces an object's prototype: never written, never read. */
const PROTO_KEY = '__proto__';

/**
 * The deepest nesting of arrays and objects written. Python's `json` reads about 990 levels
 * before its recursion limit; past this the state could be stored but not read back there.
 */
export const MAX_DEPTH = 500;

/** Encodes values to bytes and back. */
export interface Transcoder {
  /**
   * Registers a transcoding for a custom type.
   *
   * @param transcoding - the transcoding
   * @throws TypeError when the transcoding cannot be registered (see
   *   {@link JsonTranscoder.register})
   */
  register<T, D>(transcoding: Transcoding<T, D>): void;
  /**
   * Encodes a value as bytes.
   *
   * @param value - the value
   * @returns the bytes, which may be a view of a larger buffer (never written again)
   */
  encode(value: unknown): Uint8Array;
  /**
   * Decodes bytes made by {@link Transcoder.encode}.
   *
   * @param data - the bytes
   * @returns the value
   * @throws {@link TranscodingError} when the bytes cannot be decoded
   */
  decode(data: Uint8Array): unknown;
}

/**
 * Transcodes to compact UTF-8 JSON (non-ASCII kept as is). Values of registered types become
 * `{"_type_": name, "_data_": data}`; a decoded object with exactly those two keys, and text
 * as its `_type_`, becomes the value again. A value of an unregistered type is a
 * {@link TranscodingError} naming the type.
 */
export class JsonTranscoder implements Transcoder {
  readonly #byType = new Map<unknown, Registered>();
  readonly #byName = new Map<string, AnyTranscoding>();
  /** Small states go into shared blocks. */
  readonly #encoder = new BlockEncoder();
  readonly #decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

  /**
   * Registers a transcoding for a custom type. The same type registered again is written with
   * the new transcoding; its earlier name is still read, by the earlier transcoding.
   *
   * @param transcoding - the transcoding
   * @throws TypeError when its `type` is not a constructor, its `name` is not a non-empty
   *   string, or its name is taken by the transcoding of another type (stored data of that
   *   type would be read back as this one)
   */
  register<T, D>(transcoding: Transcoding<T, D>): void {
    const t = transcoding as unknown as AnyTranscoding;
    // Checked at run time too: the transcoding may come from plain JavaScript.
    if (typeof t.name !== 'string' || t.name === '') {
      throw new TypeError('transcoder: a transcoding needs a non-empty name, written as its _type_');
    }
    if (typeof t.type !== 'function') {
      throw new TypeError(
        `transcoder: transcoding '${t.name}' needs the constructor of its values as its type (BigInt for bigints)`,
      );
    }
    const holder = this.#byName.get(t.name);
    if (holder !== undefined && holder.type !== t.type) {
      throw new TypeError(
        `transcoder: the name '${t.name}' is taken by the transcoding of ${typeName(holder.type)}, whose stored values would be read back as ${typeName(t.type)}; give this transcoding a name of its own`,
      );
    }
    const prefix = `{"_type_":${quote(t.name)},"_data_":`;
    this.#byType.set(t.type, { transcoding: t, prefix, lastData: '', lastJson: `${prefix}""}` });
    this.#byName.set(t.name, t);
  }

  /**
   * Encodes a value as compact UTF-8 JSON. A small state (JSON of at most 1,024 UTF-16 code
   * units) is written into a 16 KiB block shared with the states written before and after it,
   * and is a view of that block ({@link BlockEncoder}); a larger one gets a buffer of its own.
   * Bytes once handed out are never written again: do not transfer a state's buffer
   * (`postMessage` with a transfer list), which would empty the other states of its block.
   *
   * @param value - the value
   * @returns the bytes, read through their `byteOffset` and `byteLength`
   * @throws {@link TranscodingError} for what JSON cannot hold or no transcoding is registered for
   */
  encode(value: unknown): Uint8Array {
    // The JSON is written before the block is chosen: a transcoding may encode with this
    // transcoder meanwhile.
    return this.#encoder.encode(this.#write(value, 0));
  }

  /**
   * Decodes bytes made by {@link JsonTranscoder.encode}, or by the original's JSON transcoder.
   *
   * @param data - the bytes
   * @returns the value, with its `_type_`/`_data_` objects decoded at every depth
   * @throws {@link TranscodingError} for bytes that are not UTF-8 JSON, an object with a
   *   `__proto__` key, a stored `_type_` with no transcoding registered, or data its
   *   transcoding cannot read
   */
  decode(data: Uint8Array): unknown {
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.#decoder.decode(data));
    } catch (error) {
      throw new TranscodingError('transcoder: stored state is not UTF-8 JSON', { cause: error });
    }
    try {
      return this.#decodeValue(parsed);
    } catch (error) {
      if (error instanceof TranscodingError) throw error;
      // Nesting deeper than the call stack (written by something else).
      throw new TranscodingError('transcoder: stored state could not be decoded', { cause: error });
    }
  }

  /**
   * Writes a value as compact JSON, values of registered types as their `_type_`/`_data_`
   * objects: what `JSON.stringify` writes for the transcoded value (`undefined` is left out of
   * objects and is `null` elsewhere), in one pass, without building the transcoded copy.
   *
   * @param value - the value
   * @param depth - how many arrays and objects it is inside (the keys of the top-level object,
   *   at depth 0, are field names and are kept; keys further in are data)
   * @returns the JSON
   * @throws {@link TranscodingError} for a function, a symbol, a number JSON cannot hold (`NaN`,
   *   `Infinity`), a value of an unregistered type, a `__proto__` key, a plain object JSON
   *   would read back as a custom type, a transcoding that gives `undefined`, or nesting
   *   deeper than {@link MAX_DEPTH} (a value that holds itself included)
   */
  #write(value: unknown, depth: number): string {
    switch (typeof value) {
      case 'string':
        return quote(value);
      case 'number':
        if (Number.isFinite(value)) return String(value);
        throw new TranscodingError(
          `transcoder: the number ${String(value)} cannot be stored as JSON; store null or a string instead`,
        );
      case 'boolean':
        return value ? 'true' : 'false';
      case 'undefined':
        return 'null';
      case 'bigint':
        // Written as a `_type_`/`_data_` object: as deep as any other.
        if (depth >= MAX_DEPTH) throw tooDeepError();
        return this.#writeCustom(value, BigInt, depth);
      case 'object': {
        if (value === null) return 'null';
        if (depth >= MAX_DEPTH) throw tooDeepError();
        if (Array.isArray(value)) return this.#writeArray(value, depth);
        // By the prototype, not a `constructor` property: a plain object may have a key of that name.
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto === Object.prototype || proto === null) {
          return this.#writeObject(value as Record<string, unknown>, depth);
        }
        return this.#writeCustom(value, (proto as { constructor?: unknown }).constructor, depth);
      }
      default:
        throw new TranscodingError(`transcoder: a ${typeof value} cannot be transcoded`);
    }
  }

  #writeObject(record: Record<string, unknown>, depth: number): string {
    let json = '';
    let written = 0;
    for (const key in record) {
      const item = record[key];
      if (item === undefined) continue;
      if (key === PROTO_KEY) throw protoKeyError();
      if (depth === 0) {
        // The key's JSON with what comes before it, kept: two pieces per field.
        const kept = keptKey(key);
        json += written === 0 ? kept.first : kept.next;
        json += this.#write(item, 1);
      } else {
        json += `${written === 0 ? '{' : ','}${quote(key)}:${this.#write(item, depth + 1)}`;
      }
      written++;
    }
    if (written === 0) return '{}';
    // Exactly `_type_` and `_data_` is what reading takes for a custom type (here only with a
    // string `_type_`; the original's reader goes by the two keys alone, and would fail).
    if (written === 2 && record._type_ !== undefined && record._data_ !== undefined) {
      throw new TranscodingError(
        "transcoder: a plain object of just '_type_' and '_data_' would be read back as a custom type; register a transcoding for what it stands for",
      );
    }
    return `${json}}`;
  }

  #writeArray(array: readonly unknown[], depth: number): string {
    let json = '[';
    for (let i = 0; i < array.length; i++) {
      if (i > 0) json += ',';
      json += this.#write(array[i], depth + 1);
    }
    return `${json}]`;
  }

  #writeCustom(value: unknown, type: unknown, depth: number): string {
    const registered = this.#byType.get(type);
    if (registered === undefined) {
      if (type === Object || typeof type !== 'function') {
        // Made by Object.create(prototype): its inherited fields would not be written.
        throw new TranscodingError(
          'transcoder: an object whose prototype is another object (not Object.prototype or null) is not plain data; copy it into a plain object',
        );
      }
      throw new TranscodingError(
        `transcoder: object ${type.name === '' ? 'of an anonymous class' : `of type ${type.name}`} is not serializable; register a custom transcoding for this type`,
      );
    }
    const { transcoding } = registered;
    const data = transcoding.encode(value);
    if (typeof data === 'string' && data.length <= MAX_KEPT_TEXT) {
      // The JSON of the last short text is kept: values saved together often share it (the
      // date of events saved in the same millisecond).
      if (data !== registered.lastData) {
        registered.lastJson = `${registered.prefix}${quote(data)}}`;
        registered.lastData = data;
      }
      return registered.lastJson;
    }
    if (data === undefined) {
      throw new TranscodingError(
        `transcoder: transcoding '${transcoding.name}' gave undefined, which JSON cannot hold; return null instead`,
      );
    }
    // The `_type_`/`_data_` object is one level, its data the next.
    return `${registered.prefix}${this.#write(data, depth + 1)}}`;
  }

  /**
   * Turns `_type_`/`_data_` objects, at any depth, back into values (inner ones first).
   *
   * @param value - parsed JSON, changed in place
   * @returns the decoded value
   */
  #decodeValue(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value;
    // Only objects can hold custom types: primitives are left where they are, without a call.
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'object' && item !== null) value[i] = this.#decodeValue(item);
      }
      return value;
    }
    const record = value as Record<string, unknown>;
    let keys = 0;
    for (const key in record) {
      if (key === PROTO_KEY) throw protoKeyError();
      const item = record[key];
      if (typeof item === 'object' && item !== null) record[key] = this.#decodeValue(item);
      keys++;
    }
    if (keys === 2 && typeof record._type_ === 'string' && '_data_' in record) {
      const transcoding = this.#byName.get(record._type_);
      if (transcoding === undefined) {
        throw new TranscodingError(
          `transcoder: no transcoding is registered for stored type '${record._type_}'`,
        );
      }
      try {
        return transcoding.decode(record._data_);
      } catch (error) {
        // Every reader's error alike, its own TranscodingError too (the date reader's): named
        // by the type, with the reader's error as the cause.
        throw new TranscodingError(
          `transcoder: stored '${record._type_}' data could not be decoded by its transcoding`,
          { cause: error },
        );
      }
    }
    return record;
  }
}

/** Names a type for a message: its constructor's name. */
function typeName(type: unknown): string {
  return typeof type === 'function' && type.name !== '' ? type.name : 'an anonymous class';
}

/** The error for values nested deeper than {@link MAX_DEPTH}. */
function tooDeepError(): TranscodingError {
  return new TranscodingError(
    `transcoder: values nested deeper than ${String(MAX_DEPTH)} levels, or that hold themselves, are not written (Python's json could not read them)`,
  );
}

/** The error for a `__proto__` key, which would replace the prototype of what it is copied to. */
function protoKeyError(): TranscodingError {
  return new TranscodingError(
    "transcoder: an object has a '__proto__' key, which would replace the prototype of what it is copied into; it is neither written nor read",
  );
}

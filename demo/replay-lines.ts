/**
 * The kinds of line of the replay script, and the context the lines share while they run.
 *
 * @module
 */
import { Worlds } from '../examples/world.js';
import type { Persistence } from '../src/index.js';
import { literal, shortId } from './format.js';

/** What running a line found. */
export interface Outcome {
  /** Whether the assertion holds (steps hold when they return). */
  readonly ok: boolean;
  /** The value read, as shown on the page. */
  readonly text: string;
  /** The whole value, when the text shortens it (an id). */
  readonly value?: string;
}

/** A line of the script. */
export interface Line {
  /** A comment heads a part; a step calls the library; an assert checks what it returned. */
  readonly kind: 'comment' | 'step' | 'assert';
  /** The line as TypeScript. */
  readonly code: string;
  /** A name for the page to find the line by (`world-id`). */
  readonly name?: string;
  /** Runs the line. */
  readonly run?: (c: ReplayContext) => Promise<Outcome> | Outcome;
}

/** The values the steps make and the assertions read. */
export class ReplayContext {
  /** The persistence of this replay only (a new database, or memory). */
  readonly persistence: Persistence;
  /** How the persistence is shown: `IndexedDB 'worlds-replay-…'`. */
  readonly label: string;
  readonly #values = new Map<string, unknown>();

  /**
   * Creates the context of one replay.
   *
   * @param persistence - a fresh persistence
   * @param label - how to show it
   */
  constructor(persistence: Persistence, label: string) {
    this.persistence = persistence;
    this.label = label;
  }

  /**
   * Keeps a value made by a step.
   *
   * @param name - the name in the script
   * @param value - the value
   * @returns the value
   */
  set<T>(name: string, value: T): T {
    this.#values.set(name, value);
    return value;
  }

  /**
   * Reads a value made by an earlier step.
   *
   * @param name - the name in the script
   * @param type - the class the value is an instance of
   * @returns the value
   * @throws Error when the step has not run
   */
  get<T>(name: string, type: abstract new (...args: never[]) => T): T {
    const value = this.#values.get(name);
    if (!(value instanceof type)) throw missing(name);
    return value;
  }

  /**
   * Reads a text made by an earlier step (an id).
   *
   * @param name - the name in the script
   * @returns the text
   * @throws Error when the step has not run
   */
  text(name: string): string {
    const value = this.#values.get(name);
    if (typeof value !== 'string') throw missing(name);
    return value;
  }

  /**
   * Reads a list made by an earlier step.
   *
   * @param name - the name in the script
   * @returns the list
   * @throws Error when the step has not run
   */
  list(name: string): readonly unknown[] {
    const value = this.#values.get(name);
    if (!Array.isArray(value)) throw missing(name);
    return value;
  }

  /** The applications the replay opened, to close afterwards. */
  apps(): Worlds[] {
    return [...this.#values.values()].filter((v): v is Worlds => v instanceof Worlds);
  }
}

function missing(name: string): Error {
  return new Error(`replay: ${name} was not made by an earlier step`);
}

/**
 * Makes a comment line, heading a part of the script.
 *
 * @param code - the comment, with its `//`
 * @returns the line
 */
export function comment(code: string): Line {
  return { kind: 'comment', code };
}

/**
 * Makes a step: a line that calls the library and shows what it returned.
 *
 * @param code - the line as TypeScript
 * @param run - calls the library; returns the text to show, or a whole outcome
 * @param name - a name for the page to find the line by
 * @returns the line
 */
export function step(
  code: string,
  run: (c: ReplayContext) => Promise<string | Outcome>,
  name?: string,
): Line {
  return {
    kind: 'step',
    code,
    ...(name === undefined ? {} : { name }),
    run: async (c) => {
      const result = await run(c);
      return typeof result === 'string' ? { ok: true, text: result } : result;
    },
  };
}

/**
 * Makes an assertion: a line that reads a value and tells whether it holds. Ids are shown
 * short, with the whole id kept for the page.
 *
 * @param code - the condition as TypeScript, shown inside `assert(...)`
 * @param read - reads the value from what the steps made
 * @param holds - tells whether the value passes
 * @param display - writes the value for the page (a literal by default)
 * @returns the line
 */
export function assert(
  code: string,
  read: (c: ReplayContext) => unknown,
  holds: (value: unknown, c: ReplayContext) => boolean,
  display: (value: unknown) => string = literal,
): Line {
  return {
    kind: 'assert',
    code: `assert(${code})`,
    run: (c) => {
      const value = read(c);
      const isId = typeof value === 'string' && /^[0-9a-f-]{36}$/.test(value);
      return {
        ok: holds(value, c),
        text: isId ? literal(shortId(value)) : display(value),
        ...(isId ? { value } : {}),
      };
    },
  };
}

/**
 * Makes an assertion that a value read equals an expected one.
 *
 * @param code - the condition as TypeScript
 * @param read - reads the value
 * @param expected - gives the value it must equal
 * @returns the line
 */
export function equals(
  code: string,
  read: (c: ReplayContext) => unknown,
  expected: (c: ReplayContext) => unknown,
): Line {
  return assert(code, read, (value, c) => Object.is(value, expected(c)));
}

/**
 * Makes a display that shows only the part of a text around a word: `…"what":"trucks"}`.
 *
 * @param word - the word
 * @returns the display, for {@link assert}
 */
export function around(word: string): (value: unknown) => string {
  return (value) => {
    const text = String(value);
    const at = text.indexOf(word);
    if (at < 0) return literal(`${text.slice(0, 24)}…`);
    return literal(`…${text.slice(Math.max(0, at - 8), at + word.length + 2)}`);
  };
}

/**
 * The page's messages: errors a user can cause, said in words, and news from other tabs.
 *
 * @module
 */
import { byId, fill, h } from './dom.js';

/** A message for the page: what happened, and what to do about it. */
export interface Message {
  /** `error` stays until closed; `info` goes by itself. */
  readonly kind: 'error' | 'info';
  /** A short title. */
  readonly title: string;
  /** The explanation. */
  readonly detail: string;
  /** The error's own name and message, for the curious. */
  readonly technical?: string;
  /** News of another tab: it never replaces an error that is showing, which the user caused. */
  readonly fromOtherTab?: boolean;
}

/**
 * Turns an error into a message a person can act on; errors are matched by name, as their
 * messages differ between browsers.
 *
 * @param error - what was thrown
 * @param doing - what the page was doing, such as "Saving the happening"
 * @returns the message
 */
export function explain(error: unknown, doing: string): Message {
  const name = error instanceof Error ? error.name : typeof error;
  const text = error instanceof Error ? error.message : String(error);
  // A full disk reaches the page as an OperationalError whose cause says so.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.name : undefined;
  const kind = cause === 'QuotaExceededError' ? cause : name;
  return { ...describe(kind, doing), technical: `${name}: ${forTheBrowser(text)}` };
}

/** The library's hint for Node, where a browser has no IndexedDB, becomes one for the browser. */
function forTheBrowser(text: string): string {
  return text.replace(
    "in Node, import 'fake-indexeddb/auto' first",
    'this browser has it turned off or lacks it (check its privacy settings, or try another browser)',
  );
}

/** What a conflict means for the action that ran into it. */
function conflict(doing: string): { kind: 'error'; title: string; detail: string } {
  if (doing === 'Taking a snapshot') {
    return {
      kind: 'error',
      title: 'That snapshot was taken already',
      detail: `${doing} failed: another tab took a snapshot of this version first, so nothing was written. The page has read the world again, with that snapshot.`,
    };
  }
  return {
    kind: 'error',
    title: 'Someone else saved first',
    detail: `${doing} failed: another tab saved this version of the world before this one did, so nothing of this change was written. The page has read the world again; try once more.`,
  };
}

function describe(name: string, doing: string): { kind: 'error'; title: string; detail: string } {
  switch (name) {
    case 'RecordConflictError':
      return conflict(doing);
    case 'MovedAwayError':
      return {
        kind: 'error',
        title: 'Another tab moved the events first',
        detail: `${doing} did not happen: another tab moved your events to another store meanwhile, and this tab follows it there. Nothing was lost; try again.`,
      };
    case 'CipherError':
      return {
        kind: 'error',
        title: 'This key cannot read the stored events',
        detail: `${doing} failed: the events were encrypted with another key (or are not encrypted). Nothing was changed.`,
      };
    case 'KeyRefusedError':
      return {
        kind: 'error',
        title: 'This browser cannot use this key',
        detail: `${doing} failed: this browser refuses an AES key of this size (Chromium has no AES-192, which 24-byte keys need). Use a key of 16 or 32 bytes. Nothing was changed.`,
      };
    case 'CompressorError':
      return {
        kind: 'error',
        title: 'The stored events are not compressed this way',
        detail: `${doing} failed: the bytes could not be decompressed.`,
      };
    case 'OperationalError':
    case 'NotSupportedError':
    case 'InterfaceError':
    case 'InternalError':
    case 'SecurityError':
    case 'InvalidStateError':
    case 'UnknownError':
      return {
        kind: 'error',
        title: 'Browser storage is not available',
        detail: `${doing} failed: IndexedDB could not be used here (private windows and some settings turn it off).`,
      };
    case 'QuotaExceededError':
    case 'DataError':
      return {
        kind: 'error',
        title: 'The browser refused to store this',
        detail: `${doing} failed: storage is full or the data was refused.`,
      };
    case 'AggregateNotFoundError':
      return {
        kind: 'error',
        title: 'No such world',
        detail: `${doing} failed: no events of this world are stored.`,
      };
    case 'TypeError':
    case 'RangeError':
      return { kind: 'error', title: 'That input does not work', detail: `${doing} failed.` };
    default:
      return { kind: 'error', title: 'Something went wrong', detail: `${doing} failed.` };
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;

/**
 * Shows a message in the page's message box: errors until closed, news for a few seconds. News
 * of another tab never replaces an error that is showing (a save in another tab would wipe it
 * before it is read); the result of the user's own next action does.
 *
 * @param message - the message
 */
export function show(message: Message): void {
  const box = byId('message', HTMLElement);
  if (message.fromOtherTab === true && !box.hidden && box.dataset.kind === 'error') return;
  clearTimeout(timer);
  const close = h('button', { type: 'button', class: 'message-close', 'aria-label': 'Close' }, '×');
  close.addEventListener('click', clear);
  fill(
    box,
    h('strong', { class: 'message-title' }, message.title),
    h('span', { class: 'message-detail' }, message.detail),
    message.technical === undefined ? null : h('code', { class: 'message-technical' }, message.technical),
    close,
  );
  box.dataset.kind = message.kind;
  box.hidden = false;
  if (message.kind === 'info') timer = setTimeout(clear, 6000);
}

/** Clears the message box. */
export function clear(): void {
  const box = byId('message', HTMLElement);
  clearTimeout(timer);
  box.hidden = true;
  delete box.dataset.kind;
  box.replaceChildren();
}

/**
 * Runs a user's action and shows any error it throws as a message, never as a console trace.
 *
 * @param doing - what the action does, for the message
 * @param action - the action
 * @returns whether it succeeded
 */
export async function attempt(doing: string, action: () => Promise<void>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    show(explain(error, doing));
    return false;
  }
}

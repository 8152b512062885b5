/**
 * The storage panel: which recorder the user's application uses, whether its events are
 * encrypted and compressed, and whether the page follows other tabs.
 *
 * @module
 */
import { AesGcmCipher } from '../src/cipher/index.js';
import { byId, h, setEnabled, type Control } from './dom.js';
import { attempt, show } from './messages.js';
import type { MoveResult, Session } from './session.js';
import type { Backend } from './stores.js';

/** The storage panel. */
export class StorageView {
  readonly #session: Session;

  /**
   * Wires the panel's controls.
   *
   * @param session - the user's application
   */
  constructor(session: Session) {
    this.#session = session;
    for (const backend of ['indexeddb', 'memory'] as const) {
      byId(`use-${backend}`, HTMLButtonElement).addEventListener('click', () => {
        if (this.#session.busy || backend === this.#session.config.backend) return;
        void this.#move(backend, this.#session.config.key);
      });
    }
    const encryption = byId('encryption', HTMLInputElement);
    encryption.addEventListener('change', () => {
      if (this.#session.busy) return;
      void this.#move(this.#session.config.backend, encryption.checked ? AesGcmCipher.createKey(32) : null);
    });
    byId('key-form', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      const input = byId('key-input', HTMLInputElement);
      const key = input.value.trim();
      if (key === '' || this.#session.busy) return;
      void attempt('Opening the stored events with that key', async () => {
        const leftBehind = await this.#session.useKey(key);
        input.value = '';
        const where = this.#session.config.backend === 'indexeddb' ? 'IndexedDB' : 'memory';
        show({
          kind: 'info',
          title: 'The key reads the stored events',
          detail: `The page now uses it, on ${where}.${leftBehind > 0 ? ` ${plural(leftBehind, 'event')} saved in memory only ${leftBehind === 1 ? 'was' : 'were'} left behind.` : ''}`,
        });
      }).then(() => {
        this.draw();
      });
    });
    byId('follow', HTMLInputElement).addEventListener('change', (event) => {
      this.#session.follow = (event.target as HTMLInputElement).checked;
    });
    session.onChange((change) => {
      if (change.kind === 'busy') this.#setBusy(change.busy);
    });
  }

  /** Draws the panel and the header's badge from the session's store. */
  draw(): void {
    const { backend, dbName, key } = this.#session.config;
    for (const b of ['indexeddb', 'memory'] as const) {
      byId(`use-${b}`, HTMLButtonElement).setAttribute('aria-pressed', String(b === backend));
    }
    byId('backend-note', HTMLElement).replaceChildren(
      ...(backend === 'indexeddb'
        ? [
            'Database ',
            h('code', { id: 'db-name' }, dbName),
            ': kept across reloads and shared by every tab of this page.',
          ]
        : ['This tab only, gone on reload (the page then opens IndexedDB again).']),
    );
    byId('encryption', HTMLInputElement).checked = key !== null;
    byId('key-row', HTMLElement).hidden = key === null;
    byId('key', HTMLElement).textContent = key ?? '';
    byId('encryption-note', HTMLElement).textContent =
      key === null
        ? 'Events are stored as JSON: read them in the stored bytes of the log.'
        : 'Each event is compressed with zlib, then encrypted with AES-GCM: a 12-byte nonce, a 16-byte tag, then the ciphertext. The decoded events read the same. The key is kept in localStorage so that a reload can read your events; a real application keeps its keys elsewhere.';
    const badge = byId('store-badge', HTMLElement);
    badge.dataset.ready = 'true';
    badge.dataset.backend = backend;
    badge.dataset.encrypted = String(key !== null);
    badge.replaceChildren(
      h(
        'span',
        { class: 'badge-part' },
        backend === 'indexeddb' ? `IndexedDB · ${dbName}` : 'Memory · this tab',
      ),
      h('span', { class: 'badge-part' }, key === null ? 'JSON' : 'zlib + AES-GCM'),
    );
  }

  /** Turns the panel's controls off while the events move, so that one move runs at a time. */
  #setBusy(busy: boolean): void {
    const controls: Control[] = [
      byId('use-indexeddb', HTMLButtonElement),
      byId('use-memory', HTMLButtonElement),
      byId('encryption', HTMLInputElement),
      byId('key-submit', HTMLButtonElement),
    ];
    setEnabled(controls, !busy);
    byId('storage', HTMLElement).setAttribute('aria-busy', String(busy));
    if (!busy) this.draw();
  }

  async #move(backend: Backend, key: string | null): Promise<void> {
    const where = backend === 'indexeddb' ? 'IndexedDB' : 'memory';
    let result: MoveResult | undefined;
    await attempt(`Moving your events to ${where}`, async () => {
      result = await this.#session.moveTo(backend, key);
    });
    this.draw();
    if (result !== undefined) show(moved(result));
  }
}

/** Says what a move did. */
function moved(result: MoveResult): { kind: 'info'; title: string; detail: string } {
  if (result.kind === 'reopened') {
    const left =
      result.leftBehind === 0
        ? 'Nothing was saved in memory only, so nothing is left behind.'
        : `The ${plural(result.leftBehind, 'event')} saved in memory only ${result.leftBehind === 1 ? 'was' : 'were'} left behind.`;
    return {
      kind: 'info',
      title: `Back to the IndexedDB database ${result.to.dbName}`,
      detail: `This tab had not read all that is in it now (another tab saved there, or it could not be read), so the tab opens it as it is and writes nothing into it. ${left}`,
    };
  }
  const { from, to, copy, deleted } = result;
  const how =
    to.key === null
      ? 'as plain JSON'
      : `compressed and encrypted with ${to.key === from.key ? 'the same' : 'a new'} key`;
  const gone =
    deleted === undefined ? '' : ` The database ${deleted}, which this tab had read in full, is deleted.`;
  const kept =
    from.backend === 'indexeddb' && to.backend === 'memory'
      ? ` The database ${from.dbName} stays as it is for other tabs.`
      : '';
  return {
    kind: 'info',
    title: `Copied the log to ${to.backend === 'indexeddb' ? 'a new IndexedDB database' : 'memory'}`,
    detail: `${plural(copy.events, 'event')} and ${plural(copy.snapshots, 'snapshot')} were copied ${how}, and every event reads back the same.${gone}${kept}`,
  };
}

function plural(n: number, word: string): string {
  return `${String(n)} ${word}${n === 1 ? '' : 's'}`;
}

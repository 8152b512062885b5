/**
 * The storage panel: which recorder the user's application uses, whether its events are
 * encrypted and compressed, and whether the page follows other tabs.
 *
 * @module
 */
import { AesGcmCipher } from '../src/cipher/index.js';
import { byId, h } from './dom.js';
import { attempt, show } from './messages.js';
import type { Session } from './session.js';
import type { Backend, CopyReport } from './stores.js';

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
        if (backend === this.#session.config.backend) return;
        void this.#move(backend, this.#session.config.key);
      });
    }
    const encryption = byId('encryption', HTMLInputElement);
    encryption.addEventListener('change', () => {
      void this.#move(this.#session.config.backend, encryption.checked ? AesGcmCipher.createKey(32) : null);
    });
    byId('key-form', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      const input = byId('key-input', HTMLInputElement);
      const key = input.value.trim();
      if (key === '') return;
      void attempt('Opening the stored events with that key', async () => {
        await this.#session.useKey(key);
        input.value = '';
        show({ kind: 'info', title: 'The key reads the stored events', detail: 'The page now uses it.' });
      }).then(() => {
        this.draw();
      });
    });
    byId('follow', HTMLInputElement).addEventListener('change', (event) => {
      this.#session.follow = (event.target as HTMLInputElement).checked;
    });
  }

  /** Draws the panel and the header's badge from the session's store. */
  draw(): void {
    const { backend, dbName, key } = this.#session.config;
    for (const b of ['indexeddb', 'memory'] as const) {
      byId(`use-${b}`, HTMLButtonElement).setAttribute('aria-checked', String(b === backend));
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

  async #move(backend: Backend, key: string | null): Promise<void> {
    const where = backend === 'indexeddb' ? 'a new IndexedDB database' : 'memory';
    const how = key === null ? 'as plain JSON' : 'compressed and encrypted with a new key';
    let report: CopyReport | undefined;
    await attempt(`Moving your events to ${where}`, async () => {
      report = await this.#session.moveTo(backend, key);
    });
    this.draw();
    if (report !== undefined) {
      show({
        kind: 'info',
        title: `Copied the log to ${where}`,
        detail: `${plural(report.events, 'event')} and ${plural(report.snapshots, 'snapshot')} were copied ${how}, and every event reads back the same.`,
      });
    }
  }
}

function plural(n: number, word: string): string {
  return `${String(n)} ${word}${n === 1 ? '' : 's'}`;
}

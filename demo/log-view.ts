/**
 * The notification log panel: the user's application's log, read section by section, with
 * each notification's stored bytes and the event the mapper decodes from them.
 *
 * @module
 */
import type { Worlds } from '../examples/world.js';
import type { DomainEvent, Notification, Section } from '../src/index.js';
import { byId, fill, h } from './dom.js';
import { bytesView, eventFields, literal, shortId, worldColour } from './format.js';
import { attempt } from './messages.js';
import type { Session } from './session.js';

/** The panel of the notification log. */
export class LogView {
  readonly #session: Session;
  readonly #onOriginator: (id: string) => void;
  /** The section asked for; undefined follows the latest. */
  #sectionId: string | undefined;
  /** The highest notification id drawn so far, to mark the ones that arrive after it. */
  #seen: number | undefined;
  #drawing = 0;

  /**
   * Wires the pager.
   *
   * @param session - the user's application
   * @param onOriginator - called with a world's id when its originator cell is clicked
   */
  constructor(session: Session, onOriginator: (id: string) => void) {
    this.#session = session;
    this.#onOriginator = onOriginator;
    const go = (sectionId: string | undefined): void => {
      this.#sectionId = sectionId;
      void attempt('Reading the log', () => this.refresh());
    };
    byId('log-first', HTMLButtonElement).addEventListener('click', () => {
      go(`1,${String(this.#size())}`);
    });
    byId('log-prev', HTMLButtonElement).addEventListener('click', (event) => {
      go((event.currentTarget as HTMLElement).dataset.target);
    });
    byId('log-next', HTMLButtonElement).addEventListener('click', (event) => {
      go((event.currentTarget as HTMLElement).dataset.target);
    });
    byId('log-latest', HTMLButtonElement).addEventListener('click', () => {
      go(undefined);
    });
  }

  /** Reads the current section again and draws it. */
  async refresh(): Promise<void> {
    const drawing = ++this.#drawing;
    await this.#session.readCurrent((app) => this.#read(app, drawing));
  }

  async #read(app: Worlds, drawing: number): Promise<void> {
    const size = app.log.sectionSize;
    const max = await app.recorder.maxNotificationId();
    if (this.#session.app !== app) return;
    const requested = this.#sectionId ?? latestSection(max, size);
    const section = await app.log.section(requested);
    if (this.#session.app !== app) return;
    const decoded = await decodeAll(section.items, (n) => app.mapper.toDomainEvent(n));
    if (drawing !== this.#drawing || this.#session.app !== app) return;
    this.#drawPager(requested, section, max, size);
    const encrypted = this.#session.config.key !== null;
    const seen = this.#seen ?? max;
    this.#seen = max;
    const rows = section.items.map((n, i) => this.#row(n, decoded[i], encrypted, n.id > seen));
    fill(
      byId('log-rows', HTMLElement),
      ...(rows.length > 0
        ? rows
        : [
            h(
              'tr',
              {},
              h(
                'td',
                { colspan: 6, class: 'empty' },
                max === 0
                  ? 'The log is empty: nothing has happened yet.'
                  : 'No notifications in this section.',
              ),
            ),
          ]),
    );
  }

  #size(): number {
    return this.#session.app.log.sectionSize;
  }

  #drawPager(requested: string, section: Section, max: number, size: number): void {
    const start = Number(requested.split(',')[0]);
    const last = section.items[section.items.length - 1]?.id ?? start - 1;
    const idView = byId('log-section-id', HTMLElement);
    idView.textContent = requested;
    idView.dataset.sectionId = section.id ?? '';
    const prev = byId('log-prev', HTMLButtonElement);
    prev.disabled = start <= 1;
    prev.dataset.target = `${String(Math.max(1, start - size))},${String(Math.max(1, start - 1))}`;
    byId('log-first', HTMLButtonElement).disabled = start <= 1;
    const next = byId('log-next', HTMLButtonElement);
    next.disabled = section.nextId === null || last >= max;
    next.dataset.target = section.nextId ?? '';
    byId('log-latest', HTMLButtonElement).disabled = this.#sectionId === undefined;
    fill(
      byId('log-call', HTMLElement),
      h('code', {}, `await app.log.section('${requested}')`),
      h(
        'span',
        { class: 'call-result' },
        ` → section.id ${literal(section.id)}, section.nextId ${literal(section.nextId)}`,
      ),
      h(
        'span',
        { class: 'call-note' },
        ` · ${String(max)} notifications in all, ${String(size)} per section`,
      ),
    );
  }

  #row(
    n: Notification,
    event: DomainEvent | Error | undefined,
    encrypted: boolean,
    fresh: boolean,
  ): HTMLElement {
    const originator = h(
      'button',
      { type: 'button', class: 'link originator', title: n.originatorId },
      h('span', { class: 'dot', style: `--world: ${worldColour(n.originatorId)}` }),
      shortId(n.originatorId),
    );
    originator.addEventListener('click', () => {
      this.#onOriginator(n.originatorId);
    });
    const decoded =
      event === undefined
        ? h('span', {}, '')
        : event instanceof Error
          ? h('span', { class: 'decode-error' }, `cannot decode: ${event.name}`)
          : h('code', { class: 'decoded' }, eventFields(event));
    return h(
      'tr',
      {
        'data-id': n.id,
        'data-originator': n.originatorId,
        'data-version': n.originatorVersion,
        'data-topic': n.topic,
        class: fresh ? 'fresh' : undefined,
      },
      h('td', { class: 'num' }, n.id),
      h('td', {}, originator),
      h('td', { class: 'num' }, n.originatorVersion),
      h('td', {}, h('code', { class: 'topic' }, n.topic)),
      h('td', { class: 'bytes-cell' }, bytesView(n.state, encrypted)),
      h('td', { class: 'decoded-cell' }, decoded),
    );
  }
}

/** The section that holds the latest notification, in steps of the section size from 1. */
function latestSection(max: number, size: number): string {
  const start = max === 0 ? 1 : Math.floor((max - 1) / size) * size + 1;
  return `${String(start)},${String(start + size - 1)}`;
}

/** Decodes each notification, keeping a decoding error in place of its event. */
async function decodeAll(
  items: readonly Notification[],
  decode: (n: Notification) => Promise<DomainEvent>,
): Promise<(DomainEvent | Error)[]> {
  return Promise.all(
    items.map((n) =>
      decode(n).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
    ),
  );
}

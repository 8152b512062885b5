/**
 * The "Your worlds" panel: the list of the user's worlds, and the chosen world with its
 * events, a version slider that reads it as it was, its snapshots, and a form to make
 * something happen in it.
 *
 * @module
 */
import { World, type Worlds } from '../examples/world.js';
import type { AggregateEvent, Snapshot } from '../src/index.js';
import { byId, fill, h, setEnabled } from './dom.js';
import { describeEvent, literal, worldColour } from './format.js';
import { attempt } from './messages.js';
import type { Session } from './session.js';
import { worldIds } from './stores.js';

const SELECTED_KEY = 'eventsourcing-demo:world';

/** The panel of the user's worlds. */
export class WorldsView {
  readonly #session: Session;
  /** The chosen world, as last read at its latest version: the one a new happening is saved on. */
  #head: World | undefined;
  #selected: string | undefined = remembered();
  /** The version the slider shows; undefined follows the latest. */
  #version: number | undefined;
  /** The versions of the chosen world that have a snapshot. */
  #snapshotted = new Set<number>();
  #drawing = 0;
  #busy = false;

  /**
   * Wires the panel's controls.
   *
   * @param session - the user's application
   */
  constructor(session: Session) {
    this.#session = session;
    byId('new-world', HTMLButtonElement).addEventListener('click', () => {
      void this.#run('Creating a world', async () => {
        const world = World.create();
        await this.#session.save(world);
        this.select(world.id);
      });
    });
    byId('happening-form', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      const input = byId('happening-input', HTMLInputElement);
      const what = input.value.trim();
      if (what === '') return;
      void this.#run('Saving the happening', async () => {
        const world = this.#head;
        if (world === undefined) return;
        // The world as this page last read it: if another tab saved first, this save conflicts.
        world.makeItSo(what);
        this.#head = undefined;
        this.#version = undefined;
        await this.#session.save(world);
        input.value = '';
      });
    });
    byId('version-slider', HTMLInputElement).addEventListener('input', (event) => {
      const slider = event.target as HTMLInputElement;
      // At the end, the slider follows the latest version as new events arrive.
      this.#version = slider.value === slider.max ? undefined : Number(slider.value);
      void attempt('Reading the world at that version', () =>
        this.#session.readCurrent((app) => this.#drawVersion(app)),
      );
    });
    const snapshotButton = byId('snapshot-button', HTMLButtonElement);
    snapshotButton.addEventListener('click', () => {
      // Turned off with aria-disabled when taken, so that the focus stays on it.
      if (snapshotButton.getAttribute('aria-disabled') === 'true') return;
      void this.#run('Taking a snapshot', async () => {
        const id = this.#selected;
        if (id === undefined) return;
        try {
          await this.#session.takeSnapshot(id, this.#shownVersion());
        } finally {
          // Also after a conflict: the snapshot another tab took then shows.
          await this.refresh();
        }
      });
    });
    session.onChange((change) => {
      if (change.kind !== 'busy') return;
      // No saves while the events move: they would go to the store being left.
      setEnabled(
        [byId('new-world', HTMLButtonElement), byId('happening-submit', HTMLButtonElement), snapshotButton],
        !change.busy,
      );
    });
  }

  /**
   * Chooses a world to show.
   *
   * @param id - the world's id
   */
  select(id: string): void {
    this.#selected = id;
    this.#head = undefined;
    this.#version = undefined;
    remember(id);
  }

  /** Reads the worlds again and draws the panel. */
  async refresh(): Promise<void> {
    const drawing = ++this.#drawing;
    await this.#session.readCurrent((app) => this.#read(app, drawing));
  }

  async #read(app: Worlds, drawing: number): Promise<void> {
    const ids = await worldIds(app);
    if (this.#session.app !== app) return;
    const worlds = await Promise.all(ids.map((id) => app.repository.get<World>(id)));
    if (drawing !== this.#drawing || this.#session.app !== app) return;
    if (this.#selected === undefined || !ids.includes(this.#selected)) {
      const last = ids[ids.length - 1];
      if (last !== undefined) this.select(last);
    }
    const selected = worlds.find((w) => w.id === this.#selected);
    this.#head = selected;
    this.#drawList(worlds);
    byId('worlds-empty', HTMLElement).hidden = worlds.length > 0;
    byId('world-detail', HTMLElement).hidden = selected === undefined;
    if (selected !== undefined) await this.#drawWorld(app, selected, drawing);
  }

  async #run(doing: string, action: () => Promise<void>): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      await attempt(doing, action);
    } finally {
      this.#busy = false;
    }
  }

  #shownVersion(): number {
    const latest = this.#head?.version ?? 1;
    return Math.min(this.#version ?? latest, latest);
  }

  #drawList(worlds: readonly World[]): void {
    fill(
      byId('world-list', HTMLElement),
      ...worlds.map((world, i) => {
        const button = h(
          'button',
          {
            type: 'button',
            class: 'world-item',
            'data-world-id': world.id,
            'aria-current': world.id === this.#selected ? 'true' : undefined,
            title: world.id,
          },
          h('span', { class: 'dot', style: `--world: ${worldColour(world.id)}` }),
          h(
            'span',
            { class: 'world-item-text' },
            h('strong', {}, `World ${String(i + 1)}`),
            h('span', { class: 'world-item-last' }, world.history.at(-1) ?? 'just created'),
          ),
          h('span', { class: 'version-pill small' }, `v${String(world.version)}`),
        );
        button.addEventListener('click', () => {
          this.select(world.id);
          void attempt('Reading the world', () => this.refresh());
        });
        return button;
      }),
    );
  }

  async #drawWorld(app: Worlds, world: World, drawing: number): Promise<void> {
    const [events, snapshots] = await Promise.all([
      app.events.get(world.id),
      app.snapshots?.get(world.id) ?? Promise.resolve([]),
    ]);
    if (drawing !== this.#drawing || this.#session.app !== app) return;
    byId('world-dot', HTMLElement).style.setProperty('--world', worldColour(world.id));
    const idView = byId('world-id', HTMLElement);
    idView.textContent = world.id;
    idView.dataset.value = world.id;
    byId('world-version', HTMLElement).textContent = `version ${String(world.version)}`;
    const slider = byId('version-slider', HTMLInputElement);
    slider.max = String(world.version);
    slider.value = String(this.#shownVersion());
    slider.disabled = world.version < 2;
    this.#drawTimeline(events, snapshots);
    this.#drawSnapshots(snapshots);
    await this.#drawVersion(app);
  }

  #drawTimeline(events: readonly AggregateEvent[], snapshots: readonly Snapshot[]): void {
    const snapshotted = new Set(snapshots.map((s) => s.originatorVersion));
    this.#snapshotted = snapshotted;
    fill(
      byId('timeline', HTMLElement),
      ...events.map((event) =>
        h(
          'li',
          { 'data-version': event.originatorVersion },
          h('span', { class: 'version-pill small' }, `v${String(event.originatorVersion)}`),
          h('span', { class: 'timeline-what' }, describeEvent(event)),
          snapshotted.has(event.originatorVersion)
            ? h('span', { class: 'snap-mark', title: 'a snapshot was taken at this version' }, 'snapshot')
            : null,
          h('time', { datetime: event.timestamp.toISOString() }, event.timestamp.toLocaleTimeString()),
        ),
      ),
    );
  }

  #drawSnapshots(snapshots: readonly Snapshot[]): void {
    fill(
      byId('snapshots', HTMLElement),
      ...[...snapshots]
        .reverse()
        .map((s) =>
          h(
            'li',
            { 'data-snapshot-version': s.originatorVersion },
            h('span', { class: 'version-pill small' }, `v${String(s.originatorVersion)}`),
            h('code', {}, `history: ${literal((s.state as { history?: unknown }).history)}`),
          ),
        ),
    );
  }

  /** Reads the world at the slider's version, as the repository gives it, and shows it. */
  async #drawVersion(app: Worlds): Promise<void> {
    const id = this.#selected;
    const head = this.#head;
    if (id === undefined || head === undefined) return;
    const version = this.#shownVersion();
    let world: World;
    let snapshot: Snapshot | undefined;
    try {
      [world, [snapshot]] = await Promise.all([
        app.repository.get<World>(id, { version }),
        app.snapshots?.get(id, { lte: version, desc: true, limit: 1 }) ?? Promise.resolve([]),
      ]);
    } catch (error) {
      if (this.#session.app !== app) return;
      throw error;
    }
    if (version !== this.#shownVersion() || this.#session.app !== app) return;
    byId('version-label', HTMLOutputElement).textContent = `${String(version)} of ${String(head.version)}`;
    byId('version-call', HTMLElement).textContent =
      `await app.repository.get(worldId, { version: ${String(version)} })`;
    const replayed =
      snapshot === undefined
        ? `replayed ${plural(version, 'event')}`
        : `from the snapshot at v${String(snapshot.originatorVersion)}, then ${plural(version - snapshot.originatorVersion, 'event')}`;
    const history = byId('version-history', HTMLElement);
    history.dataset.version = String(world.version);
    history.dataset.history = JSON.stringify(world.history);
    fill(
      history,
      h('span', { class: 'field-label' }, 'history'),
      ...(world.history.length === 0
        ? [h('span', { class: 'chip empty-chip' }, 'nothing yet')]
        : world.history.map((what) => h('span', { class: 'chip' }, what))),
      h('span', { class: 'replayed' }, replayed),
    );
    for (const item of byId('timeline', HTMLElement).querySelectorAll<HTMLElement>('li')) {
      item.dataset.future = String(Number(item.dataset.version) > version);
    }
    // A second snapshot of the same version would conflict with the first.
    const button = byId('snapshot-button', HTMLButtonElement);
    const taken = this.#snapshotted.has(version);
    button.setAttribute('aria-disabled', String(taken));
    button.textContent = taken
      ? `Snapshot at v${String(version)} taken`
      : `Take a snapshot at v${String(version)}`;
  }
}

/** The world this tab showed last, kept across reloads (if the browser lets the page keep it). */
function remembered(): string | undefined {
  try {
    return sessionStorage.getItem(SELECTED_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function remember(id: string): void {
  try {
    sessionStorage.setItem(SELECTED_KEY, id);
  } catch {
    // Without session storage, a reload shows the newest world.
  }
}

function plural(n: number, word: string): string {
  return `${String(n)} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The replay panel: draws the script as a transcript and runs it on a fresh application,
 * turning each line green (or red) as the library answers.
 *
 * @module
 */
import { memory } from '../src/index.js';
import { indexedDb } from '../src/indexeddb/index.js';
import { byId, fill, h, pause, setEnabled } from './dom.js';
import { explain, show } from './messages.js';
import { ReplayContext, type Line, type Outcome } from './replay-lines.js';
import { SCRIPT } from './replay-script.js';
import type { Session } from './session.js';
import { forgetDatabase, holding, newDatabaseName, REPLAY_PREFIX } from './stores.js';

/** The replay panel. */
export class ReplayView {
  readonly #session: Session;
  readonly #items: HTMLLIElement[];

  /**
   * Draws the transcript, every line waiting, and wires the Replay button.
   *
   * @param session - the user's session, whose recorder kind the replay uses
   */
  constructor(session: Session) {
    this.#session = session;
    this.#items = SCRIPT.map(lineItem);
    fill(byId('transcript', HTMLElement), ...this.#items);
    byId('replay-button', HTMLButtonElement).addEventListener('click', () => {
      void this.run();
    });
  }

  /** Runs the script once, on a new database (or memory), then deletes that database. */
  async run(): Promise<void> {
    const button = byId('replay-button', HTMLButtonElement);
    const panel = byId('replay', HTMLElement);
    // Through setEnabled, so keyboard focus comes back to the button after the run.
    setEnabled([button], false);
    panel.dataset.state = 'running';
    for (const item of this.#items) resetItem(item);
    try {
      if (this.#session.config.backend === 'indexeddb') {
        const dbName = newDatabaseName(REPLAY_PREFIX);
        // The lock tells the other tabs' clean-up that this replay still uses its database.
        await holding(dbName, () =>
          this.#runOn(
            new ReplayContext(indexedDb({ dbName, broadcast: false }), `IndexedDB '${dbName}'`),
            dbName,
          ),
        );
      } else {
        await this.#runOn(new ReplayContext(memory(), 'memory()'), undefined);
      }
    } finally {
      setEnabled([button], true);
    }
    button.textContent = 'Replay again';
  }

  async #runOn(context: ReplayContext, dbName: string | undefined): Promise<void> {
    const panel = byId('replay', HTMLElement);
    const summary = byId('replay-summary', HTMLElement);
    const started = performance.now();
    let passed = 0;
    let failed = 0;
    let stopped = false;
    summary.textContent = `Running on ${context.label}…`;
    for (const [i, line] of SCRIPT.entries()) {
      const item = this.#items[i];
      if (item === undefined || line.run === undefined) continue;
      if (stopped) {
        item.dataset.state = 'skipped';
        continue;
      }
      item.dataset.state = 'running';
      await pause(line.kind === 'step' ? 100 : 25);
      try {
        const outcome = await line.run(context);
        showOutcome(item, outcome);
        if (line.kind === 'assert') {
          if (outcome.ok) passed++;
          else failed++;
        }
      } catch (error) {
        showOutcome(item, { ok: false, text: error instanceof Error ? error.name : 'error' });
        if (line.kind === 'assert') failed++;
        else stopped = true;
        show(explain(error, 'The replay'));
      }
    }
    const total = SCRIPT.filter((l) => l.kind === 'assert').length;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    await Promise.all(context.apps().map((app) => app.close().catch(() => undefined)));
    if (dbName !== undefined) forgetDatabase(dbName);
    const ok = passed === total && failed === 0;
    panel.dataset.state = ok ? 'pass' : 'fail';
    panel.dataset.passed = String(passed);
    panel.dataset.total = String(total);
    fill(
      summary,
      h('strong', {}, `${String(passed)} of ${String(total)} assertions hold`),
      h(
        'span',
        {},
        ` in ${seconds} s, on ${context.label}${dbName !== undefined ? ', deleted afterwards' : ''}.`,
      ),
    );
  }
}

function lineItem(line: Line): HTMLLIElement {
  return h(
    'li',
    {
      class: 'line',
      'data-kind': line.kind,
      'data-state': line.kind === 'comment' ? undefined : 'pending',
      'data-assert': line.kind === 'assert' ? '' : undefined,
      'data-name': line.name,
    },
    h(
      'span',
      { class: 'lead' },
      h('span', { class: 'mark', 'aria-hidden': 'true' }),
      h('code', { class: 'code' }, line.code),
    ),
    // A plain span: one live region per line would have a screen reader read out every line of
    // a run; the summary below the transcript is the one live region.
    line.kind === 'comment' ? null : h('span', { class: 'actual' }),
  );
}

function resetItem(item: HTMLLIElement): void {
  if (item.dataset.kind === 'comment') return;
  item.dataset.state = 'pending';
  const output = item.querySelector<HTMLElement>('.actual');
  if (output !== null) {
    output.textContent = '';
    delete output.dataset.value;
    output.removeAttribute('title');
  }
}

function showOutcome(item: HTMLLIElement, outcome: Outcome): void {
  item.dataset.state = outcome.ok ? 'pass' : 'fail';
  const output = item.querySelector<HTMLElement>('.actual');
  if (output === null) return;
  output.textContent = outcome.text;
  if (outcome.value !== undefined) {
    output.dataset.value = outcome.value;
    output.title = outcome.value;
  }
}

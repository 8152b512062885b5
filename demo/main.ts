/**
 * The demo page: replays the seed's Worlds example, then lets the user keep worlds of their
 * own in IndexedDB or memory, plain or encrypted, across reloads and tabs.
 *
 * @module
 */
import { byId } from './dom.js';
import { LogView } from './log-view.js';
import { attempt, explain, show } from './messages.js';
import { ReplayView } from './replay-view.js';
import { Session } from './session.js';
import { StorageView } from './storage-view.js';
import { forgetOldReplays } from './stores.js';
import { WorldsView } from './worlds-view.js';

async function start(): Promise<void> {
  const { session, problem } = await Session.start();
  if (problem !== undefined) {
    const message = explain(problem, 'Opening IndexedDB');
    show({
      ...message,
      detail: `${message.detail} Your worlds are kept in memory instead, for this tab only.`,
    });
  }
  new ReplayView(session);
  const worlds = new WorldsView(session);
  const log = new LogView(session, (id) => {
    worlds.select(id);
    void attempt('Reading the world', () => worlds.refresh());
  });
  const storage = new StorageView(session);

  const refresh = (): Promise<boolean> =>
    attempt('Reading your worlds', async () => {
      storage.draw();
      await Promise.all([worlds.refresh(), log.refresh()]);
    });

  session.onChange((change) => {
    if (change.kind === 'busy') return;
    if (change.kind === 'problem') {
      show(explain(change.error, change.doing));
      return;
    }
    if (change.kind === 'heard') {
      const ids = change.notificationIds;
      show({
        kind: 'info',
        fromOtherTab: true,
        title: 'Another tab saved',
        detail: `${ids.length === 1 ? 'Notification' : 'Notifications'} ${ids.join(', ')} arrived on the BroadcastChannel; the page read the log again.`,
      });
    }
    if (change.kind === 'store' && change.byOtherTab) {
      show({
        kind: 'info',
        fromOtherTab: true,
        title: 'Another tab moved the events',
        detail: 'This tab follows it to the new store.',
      });
    }
    void refresh();
  });

  await refresh();
  byId('page', HTMLElement).dataset.ready = 'true';
  // Replays cut off by a reload leave their databases behind.
  await forgetOldReplays().catch(() => undefined);
}

void start().catch((error: unknown) => {
  show(explain(error, 'Starting the page'));
});

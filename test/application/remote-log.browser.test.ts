/**
 * The remote log in a real browser, over the page's own fetch passed as an option: a platform
 * fetch called with another `this` throws "Illegal invocation", which would look like a
 * network failure.
 */
import { expect, it } from 'vitest';
import { RemoteNotificationLog } from '../../src/index.js';

it("reaches the server through the page's own fetch, passed as it is", async () => {
  // The test server has no log here: whatever it answers, the request was made.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- passed unbound, as users do
  const log = new RemoteNotificationLog(`${location.origin}/no-such-log`, { fetch: window.fetch });
  const error = await log.section('1,10').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(/^remote notification log: GET .*\/no-such-log\/1,10 answered/);
});

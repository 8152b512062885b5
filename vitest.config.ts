import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.js';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.browser.test.ts', 'test/workers/**', 'node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        // Pre-bundled up front: a dependency Vite discovers mid-run reloads the tests.
        optimizeDeps: {
          include: [
            '@noble/ciphers/aes.js',
            '@noble/ciphers/_polyval.js',
            '@noble/ciphers/utils.js',
            'fflate',
            'idb',
            'uuid',
          ],
        },
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] },
            }),
            instances: [{ browser: 'chromium' }],
            api: { host: '127.0.0.1' },
          },
        },
      },
      {
        plugins: [
          cloudflareTest({
            miniflare: {
              compatibilityDate: '2025-09-01',
              compatibilityFlags: ['nodejs_compat'],
              d1Databases: { DB: 'test-db', WORKER_DB: 'worker-db' },
            },
          }),
        ],
        test: { name: 'workers', include: ['test/workers/**/*.test.ts'], testTimeout: 60_000 },
      },
    ],
  },
});

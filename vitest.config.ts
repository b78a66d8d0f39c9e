import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/setup/mongodb-notice.ts'],
    // No real network, and every nock interceptor must be used (instead of copies in each test file).
    setupFiles: ['test/setup/network.ts'],
  },
});

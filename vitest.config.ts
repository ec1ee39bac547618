import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The process tests start the compiled bot (dist/): build it once, before any test, when src/ is newer.
    globalSetup: ['tests/support/build-dist.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests start real servers and SQLite files; two cores do not gain from more workers.
    maxWorkers: 2,
  },
});

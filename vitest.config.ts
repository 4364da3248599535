import { defineConfig } from 'vitest/config';

// Two cores here and in CI: two forks keep the suite parallel without oversubscribing.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup-env.ts'],
    // e2e tests spawn the built CLI; two cores here, so keep parallelism modest.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

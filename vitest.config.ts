import { defineConfig } from 'vitest/config'

// Three projects: unit tests are pure and fast; integration and e2e use real podman and binaries.
export default defineConfig({
  test: {
    projects: [
      // A generous limit: the first in-process main() call loads the CLI's lazy modules, which takes seconds on
      // two busy cores; a timed-out test would leak its captured output into the next one.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: true,
          maxConcurrency: 4,
        },
      },
      {
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 600_000 },
      },
    ],
  },
})

import { defineConfig } from 'vitest/config';

// Four suites: pure unit tests; workflow tests on the time-skipping test server; integration tests
// against real servers; end-to-end migrations in the lab under load. They run one after another
// (sequence.groupOrder): together on two cores the lab's load and servers starved the time-skipping
// server, whose activity timeouts run in real time.
export default defineConfig({
  test: {
    pool: 'forks',
    // No test may reach the ECS metadata service (100.100.100.200) through the Alibaba credential chain.
    env: { ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' },
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: {
          name: 'workflow',
          sequence: { groupOrder: 1 },
          include: ['test/workflow/**/*.test.ts'],
          globalSetup: ['test/workflow/global-setup.ts'],
          // Time skipping is global to a test server: workflow files run one at a time.
          fileParallelism: false,
          testTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          sequence: { groupOrder: 2 },
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          sequence: { groupOrder: 3 },
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});

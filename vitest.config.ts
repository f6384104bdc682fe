import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Unit files run in parallel. Integration files share one site lab (network namespaces, brought up once by
    // the global setup) and real Redis/MariaDB, so they run one at a time and never fight over the lab.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          globalSetup: ['test/support/lab-global-setup.ts'],
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Unit files run in parallel. Integration files share one site lab (network namespaces, brought up once by
    // the global setup) and real Redis/MariaDB, so they run one at a time and never fight over the lab. The
    // variants project has a lab of its own and runs beside them.
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
      {
        // Every Xizang phase again, on a second lab built with real-deployment variants (stock init script,
        // systemd units, config syntax): its own lab, so it runs beside the integration project.
        extends: true,
        test: {
          name: 'variants',
          include: [
            'test/integration/runbooks/precheck.test.ts',
            'test/integration/runbooks/upgrade-*.test.ts',
            'test/variants/**/*.test.ts',
          ],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          globalSetup: ['test/support/variant-lab-global-setup.ts'],
        },
      },
    ],
  },
});

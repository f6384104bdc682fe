import { defineConfig } from 'vitest/config';

/** The OceanBase integration files, which run in a project (and lab) of their own. */
const OCEANBASE_FILES = ['test/integration/oceanbase/**/*.test.ts', 'test/integration/oceanbase-upgrade/**/*.test.ts'];

export default defineConfig({
  test: {
    // Unit files run in parallel. Integration files share one site lab (network namespaces, brought up once by
    // the global setup) and real Redis/MariaDB, so they run one at a time and never fight over the lab. The
    // oceanbase and variants projects have labs of their own. Vitest puts the files of every one-at-a-time project
    // in one queue, so `npm test` (scripts/test.sh) runs variants, then oceanbase, in vitests of their own beside it.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...OCEANBASE_FILES, '**/node_modules/**'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          globalSetup: ['test/support/lab-global-setup.ts'],
        },
      },
      {
        // The OceanBase files: the observers' lab (no other roles) and the simulator on its bridge, beside the rest.
        extends: true,
        test: {
          name: 'oceanbase',
          include: OCEANBASE_FILES,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          globalSetup: ['test/support/ob-lab-global-setup.ts'],
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

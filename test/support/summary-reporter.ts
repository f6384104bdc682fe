import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** How many of the slowest files the report names. */
const SLOWEST = 12;

/**
 * Ends the run with the slowest files and their durations (what to look at when the run grows too long), then one
 * plain line, `N passed, N failed, N skipped`, after vitest's own report, so that any reader of the log (a person
 * or a CI parser) sees the totals in a fixed form.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else if (state === 'skipped') counts.skipped += 1;
      }
      // A module that failed to load has no tests but must count as a failure.
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) counts.failed += 1;
    }
    const slowest = testModules
      .map((mod) => ({ file: mod.moduleId, ms: mod.diagnostic().duration }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, SLOWEST);
    process.stdout.write(
      `\nslowest files:\n${slowest.map((s) => `${(s.ms / 1000).toFixed(1)} s  ${relative(process.cwd(), s.file)}`).join('\n')}\n`,
    );
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}

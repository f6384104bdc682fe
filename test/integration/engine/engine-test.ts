import { afterEach, beforeEach } from 'vitest';
import type { Runtime } from '../../../src/wiring/main.ts';
import { RedisTestKeys, TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import { EventWatch, cleanLabDir, labApprovers, resetLabDir, testRuntime, type TestEnv } from './engine-lab.ts';

/** What every engine lab test starts with: its own Redis keys, the runtime on them, their event stream, an approver. */
export interface EngineTest {
  readonly t: TestEnv;
  readonly rt: Runtime;
  readonly watch: EventWatch;
  readonly approver: string;
}

/**
 * Registers the hooks that give each test a fresh EngineTest (and a clean lab directory) and tear it down after
 * it. Register the test's own teardown (its workers) after calling this: vitest runs after-hooks last-in first-out,
 * so workers are stopped before the runtime closes.
 */
export function useEngineTest(): EngineTest {
  let current: (EngineTest & { readonly keys: RedisTestKeys }) | undefined;
  const now = () => {
    if (current === undefined) throw new Error('useEngineTest: used outside a test');
    return current;
  };
  beforeEach(async () => {
    const keys = new RedisTestKeys();
    const t = { prefix: keys.prefix, redisUrl: TEST_REDIS_URL };
    const rt = await testRuntime(t);
    current = { keys, t, rt, watch: new EventWatch(rt), approver: (await labApprovers())[0] ?? 'nobody' };
    await resetLabDir();
  });
  afterEach(async () => {
    const c = current;
    current = undefined;
    await cleanLabDir();
    await c?.rt.close();
    await c?.keys.close();
  });
  return {
    get t() {
      return now().t;
    },
    get rt() {
      return now().rt;
    },
    get watch() {
      return now().watch;
    },
    get approver() {
      return now().approver;
    },
  };
}

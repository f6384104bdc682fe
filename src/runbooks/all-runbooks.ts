import { labMoveDir } from './lab/lab-move-dir.ts';
import { obPrecheck } from './oceanbase/precheck/ob-precheck.ts';
import { obUpgrade } from './oceanbase/upgrade/ob-upgrade.ts';
import type { Runbook } from '../core/ports/runbook.ts';
import { precheck } from './xizang/precheck/precheck.ts';
import { upgradeFastdfs } from './xizang/fastdfs/upgrade-fastdfs.ts';
import { upgradeKafka } from './xizang/kafka/upgrade-kafka.ts';
import { upgradePaas } from './xizang/paas/upgrade-paas.ts';
import { upgradeCsbRedis } from './xizang/redis/upgrade-csb-redis.ts';
import { upgradeRedis } from './xizang/redis/upgrade-redis.ts';

/** Every runbook opsgate ships; the wiring builds the registry from this list. */
export const ALL_RUNBOOKS: readonly Runbook[] = [
  labMoveDir,
  precheck,
  upgradeRedis,
  upgradeCsbRedis,
  upgradeKafka,
  upgradeFastdfs,
  upgradePaas,
  obPrecheck,
  obUpgrade,
];

import { labMoveDir } from './lab-move-dir.ts';
import { obPrecheck } from './oceanbase/ob-precheck.ts';
import { obUpgrade } from './oceanbase/ob-upgrade.ts';
import type { Runbook } from './runbook.ts';
import { precheck } from './xizang/precheck.ts';
import { upgradeFastdfs } from './xizang/upgrade-fastdfs.ts';
import { upgradeKafka } from './xizang/upgrade-kafka.ts';
import { upgradePaas } from './xizang/upgrade-paas.ts';
import { upgradeRedis } from './xizang/upgrade-redis.ts';

/** Every runbook opsgate ships; the wiring builds the registry from this list. */
export const ALL_RUNBOOKS: readonly Runbook[] = [labMoveDir, precheck, upgradeRedis, upgradeKafka, upgradeFastdfs, upgradePaas, obPrecheck, obUpgrade];

import type { StepProgram } from '../../../core/ports/runbook.ts';
import { RESTORE_RECORDED_PROGRAM, restoreRecordedProgram } from './post-check-steps.ts';
import { SPECIAL_ACTION_PROGRAM, specialActionProgram } from './special-action-steps.ts';
import {
  RUN_WHEN_NEEDED_PROGRAM,
  runWhenNeededProgram,
  TENANT_UPGRADE_PROGRAM,
  tenantUpgradeProgram,
} from './tenant-upgrade-steps.ts';
import { UPGRADE_RECORD_PROGRAM, upgradeRecordProgram } from './upgrade-record.ts';

/** The programs of upgrade_pre's special_action, upgrade_post's tenant_upgrade and post_check. */
export const UPGRADE_PRE_POST_PROGRAMS: Readonly<Record<string, StepProgram>> = {
  [UPGRADE_RECORD_PROGRAM]: upgradeRecordProgram,
  [SPECIAL_ACTION_PROGRAM]: specialActionProgram,
  [TENANT_UPGRADE_PROGRAM]: tenantUpgradeProgram,
  [RUN_WHEN_NEEDED_PROGRAM]: runWhenNeededProgram,
  [RESTORE_RECORDED_PROGRAM]: restoreRecordedProgram,
};

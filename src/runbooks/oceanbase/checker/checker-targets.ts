import { ObUpgradeRefusedError } from '../shared/ob-runbook-errors.ts';

/**
 * The upgrade_checker.py whose checks opsgate carries (`upgrade-checker-checks.ts`): the one shipped with
 * OceanBase 4.3.5.5 (tools/upgrade/upgrade_checker.py; `old_version = '4.2.5.1'`). Each target release ships its
 * own checker in its package (`etc/upgrade_checker.py`), and the checks differ between releases; a precheck run
 * with this one proves nothing about an upgrade to another target.
 */
export const CHECKER_RELEASE = '4.3.5.5';

/** The `--to` versions whose checker opsgate carries: an upgrade to anything else is refused before it starts. */
export const SUPPORTED_TARGETS: readonly string[] = [CHECKER_RELEASE];

/**
 * Refuses an upgrade to a target whose upgrade_checker.py opsgate does not carry, naming the versions it
 * supports, so the 4.3.5.5 checks are never taken as the precheck of another release.
 */
export function refuseUnsupportedTarget(cluster: string, toVersion: string): void {
  if (SUPPORTED_TARGETS.includes(toVersion)) return;
  throw new ObUpgradeRefusedError(
    cluster,
    `opsgate carries the upgrade checks of OceanBase ${SUPPORTED_TARGETS.join(', ')} only, not those of ${toVersion}: ` +
      `its upgrade_checker.py (in the ${toVersion} package, etc/upgrade_checker.py) has not been ported, and the ` +
      `${CHECKER_RELEASE} checks are no precheck for it. Upgrade to ${SUPPORTED_TARGETS.join(' or ')}, or upgrade by hand with the DBA`,
  );
}

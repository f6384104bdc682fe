import type { Site } from '../../../core/sites/site.ts';
import type { Oceanbase } from '../../../core/sites/oceanbase-schema.ts';
import { ObUpgradeRefusedError } from '../shared/ob-runbook-errors.ts';
import { RPM_HOME } from './observer-commands.ts';

/**
 * Refuses, before anything runs, a rolling upgrade opsgate must not or cannot do given how the cluster is deployed
 * (the site file's `deploy`):
 * - OCP manages the cluster: OCP keeps its own record of the cluster's version, packages and tasks, and an upgrade
 *   done behind its back leaves OCP wrong about the cluster it manages. The precheck still runs; the upgrade is
 *   OCP's to run.
 * - obd or RPM layout with a home other than the RPMs' fixed prefix: `rpm -Uvh` would install the new observer
 *   where none runs, and the zone would restart on the old binary.
 */
export function refuseUnlessLayoutAllows(site: Site, ob: Oceanbase): void {
  const d = ob.deploy;
  if (d.by === 'ocp')
    throw new ObUpgradeRefusedError(
      ob.name,
      `it is managed by OCP (site file: deploy.by = ocp), and opsgate does not act behind OCP's back. Run the rolling upgrade in OCP. opsgate's precheck of ${ob.name} still applies: its result is in the thread of the last "/precheck ${site.name} ob ${ob.name}" (listed by /runs ${site.name}); run that command for a fresh one`,
    );
  if (d.home !== RPM_HOME)
    throw new ObUpgradeRefusedError(
      ob.name,
      `its observers run from ${d.home} (deploy.home), but the oceanbase-ce packages install under ${RPM_HOME}: installing them would not replace the observer that runs. Upgrade this cluster with ${d.by === 'obd' ? 'obd (obd cluster upgrade)' : 'its own procedure'}, or correct deploy.home`,
    );
}

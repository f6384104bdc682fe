import { z } from 'zod';
import type { StepInput } from '../../../core/plan/step-schema.ts';
import type { Site } from '../../../core/sites/site.ts';
import type { Oceanbase } from '../../../core/sites/oceanbase-schema.ts';
import type { FactsIo, StepProgram } from '../../../core/ports/runbook.ts';
import { ObUpgradeRefusedError } from '../shared/ob-runbook-errors.ts';
import { requireSql } from '../shared/require-sql.ts';
import { readClusterTopology, type ClusterTopology } from './cluster-topology.ts';
import { fileTopology, MIN_ZONES, topologyRefusal, type FileTopology } from './topology-drift.ts';

/** Program id of the run-time check that the cluster is still the one the site file describes. */
export const TOPOLOGY_PROGRAM = 'ob-upgrade.cluster-topology';

const FileTopologyArgs = z.strictObject({
  zones: z.array(z.string().min(1)).min(1),
  hosts: z.array(
    z.strictObject({ zone: z.string().min(1), host: z.string().min(1), address: z.string().min(1).optional() }),
  ),
});

/**
 * Plan time: reads the cluster's zones, servers and tenants' zones over the sys tenant (read-only) and refuses,
 * with `OB_UPGRADE_REFUSED` naming every difference, a cluster the site file does not describe or a tenant that
 * cannot keep a majority while one zone is stopped. Without a SQL connection (an engine without SQL) it reads
 * nothing; the plan's `cluster-topology` step reads it at run time either way.
 */
export async function readTopologyFacts(site: Site, ob: Oceanbase, io: FactsIo): Promise<ClusterTopology | undefined> {
  if (io.openSql === undefined) return undefined;
  const sql = await io.openSql(ob.name);
  let cluster: ClusterTopology;
  try {
    cluster = await readClusterTopology(sql, 'cluster-topology');
  } finally {
    await sql.close();
  }
  const reason = topologyRefusal(fileTopology(site, ob), cluster);
  if (reason !== undefined) throw new ObUpgradeRefusedError(ob.name, reason);
  return cluster;
}

/**
 * The read-only check, before anything changes and so before the first zone is stopped, that the cluster still has
 * exactly the zones and servers the site file gives (the plan's zone steps come from the file) and that every
 * tenant spans at least three zones. Once `alter system begin upgrade` ran, OceanBase itself refuses adding or
 * deleting servers until the upgrade ends (the upgrade overview of the OceanBase 4.x manual, oceanbase/oceanbase-doc),
 * so the picture checked here holds for the zone loop.
 */
export function topologyStep(site: Site, ob: Oceanbase): StepInput {
  const file = fileTopology(site, ob);
  return {
    kind: 'check',
    id: 'cluster-topology',
    title: `The cluster has exactly the zones (${file.zones.join(', ')}) and observers of the site file, and every tenant spans at least ${MIN_ZONES} zones`,
    targets: { kind: 'sql', target: ob.name },
    program: {
      id: TOPOLOGY_PROGRAM,
      args: { file: { zones: [...file.zones], hosts: file.hosts.map((h) => ({ ...h })) } },
    },
  };
}

/** Reads the cluster (read-only) and fails, naming every difference, when it is not the one the file describes. */
export const topologyProgram: StepProgram = async (ctx, args) => {
  const parsed = FileTopologyArgs.safeParse(args['file']);
  if (!parsed.success)
    throw new Error(`step ${ctx.step.id}: malformed site-file topology in the plan: ${parsed.error.message}`);
  const file: FileTopology = parsed.data;
  const cluster = await readClusterTopology(requireSql(ctx), ctx.step.id);
  const reason = topologyRefusal(file, cluster);
  const seen = `zones ${cluster.zones.join(', ') || 'none'}; servers ${
    cluster.servers.map((s) => `${s.ip}:${s.port} (${s.zone})`).join(', ') || 'none'
  }; tenants ${cluster.tenants.map((t) => `${t.tenant} (${t.zones.join(', ') || 'no pool'})`).join(', ') || 'none'}`;
  return [
    reason === undefined
      ? { status: 'pass', title: 'the site file describes the cluster', evidence: seen }
      : { status: 'fail', title: 'the site file does not describe the cluster', evidence: `${reason}. Seen: ${seen}` },
  ];
};

import { z } from 'zod';
import { defineRunbook } from '../../../core/ports/runbook.ts';
import { checkerProgram, CHECKER_PROGRAM } from './checker-program.ts';
import { clusterHosts, clusterOf } from '../shared/cluster-of.ts';
import {
  PREVIOUS_OFFLINE_TIME_EVALUATOR,
  previousOfflineTimeEvaluator,
  raiseOfflineTimeSteps,
  RESTORE_OFFLINE_TIME_PROGRAM,
  restoreOfflineTimeProgram,
} from './offline-time-steps.ts';
import { precheckRecordPath, recordPrecheckProgram, RECORD_PRECHECK_PROGRAM } from './precheck-record.ts';
import { WAIT_PROGRAM, waitProgram } from '../health/wait-program.ts';
import { CPU_ARCH_EVALUATOR, cpuArchEvaluator, cpuArchStep } from './cpu-arch-probe.ts';

/**
 * `/precheck <site> ob <cluster>`: every check of upgrade_checker.py 4.3.5.5 over the sys tenant (all failures
 * reported together; a failed check stops the run and cannot be marked done), then the script's 72h
 * `server_permanent_offline_time` change as a gated step of its own, then a record of the pass on every host of
 * the cluster, which `/upgrade … ob` requires.
 */
export const obPrecheck = defineRunbook({
  id: 'ob-precheck',
  title: 'OceanBase precheck (upgrade_checker.py 4.3.5.5)',
  args: z.object({
    cluster: z.string().min(1),
    /**
     * upgrade_checker.py `-C`: whether every observer's CPU has AVX2 (`unknown` is checked as "no" and warned).
     * Absent: read from every observer host's /proc/cpuinfo by the first step.
     */
    cpuArch: z.enum(['avx2', 'avx2_not_support', 'unknown']).optional(),
  }),
  build(site, { cluster, cpuArch }) {
    const ob = clusterOf(site, cluster);
    const target = { kind: 'sql' as const, target: ob.name };
    return {
      runbook: 'ob-precheck',
      site: site.name,
      title: `Precheck of OceanBase cluster ${ob.name}`,
      args: { cluster: ob.name, ...(cpuArch !== undefined ? { cpuArch } : {}) },
      steps: [
        ...(cpuArch === undefined ? [cpuArchStep('cpu-arch', clusterHosts(ob))] : []),
        {
          kind: 'check',
          id: 'upgrade-checker',
          title: 'Every check of upgrade_checker.py 4.3.5.5 (all failures reported together)',
          targets: target,
          program: { id: CHECKER_PROGRAM, args: cpuArch !== undefined ? { cpuArch } : { cpuArchStep: 'cpu-arch' } },
        },
        ...raiseOfflineTimeSteps(ob.name),
        {
          kind: 'action',
          id: 'record-pass',
          title: `Record the passed precheck on every host of ${ob.name}`,
          targets: target,
          program: {
            id: RECORD_PRECHECK_PROGRAM,
            args: { cluster: ob.name, path: precheckRecordPath(ob), hosts: clusterHosts(ob) },
          },
          irreversible: { reason: 'only writes a small record file that lets an upgrade of this cluster start' },
        },
      ],
    };
  },
  evaluators: {
    [PREVIOUS_OFFLINE_TIME_EVALUATOR]: previousOfflineTimeEvaluator,
    [CPU_ARCH_EVALUATOR]: cpuArchEvaluator,
  },
  programs: {
    [CHECKER_PROGRAM]: checkerProgram,
    [WAIT_PROGRAM]: waitProgram,
    [RESTORE_OFFLINE_TIME_PROGRAM]: restoreOfflineTimeProgram,
    [RECORD_PRECHECK_PROGRAM]: recordPrecheckProgram,
  },
});

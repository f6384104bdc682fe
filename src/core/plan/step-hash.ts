import { canonicalJson } from '../audit/canonical-json.ts';
import { compileProbe } from './probes.ts';
import type { ExecutableStep, Plan } from './step-schema.ts';
import { sha256Hex } from '../sha256.ts';

/**
 * sha256 (hex) of what a step will do: its targets, its exact commands or SQL, its stand-in commands and the
 * exact commands of its probes, in canonical JSON. A gate binds to this value, so any change to what would
 * run makes an earlier approval void; titles and prompts do not count.
 */
export function stepHash(step: ExecutableStep): string {
  const probe = (p: ExecutableStep['preconditions'][number]) => ({ ...p, compiled: compileProbe(p) });
  return sha256(
    canonicalJson({
      id: step.id,
      kind: step.kind,
      destructive: step.destructive,
      targets: step.targets,
      commands: step.commands,
      sql: step.sql,
      program: step.program,
      standIn: 'standIn' in step ? step.standIn : undefined,
      preconditions: step.preconditions.map(probe),
      verify: step.verify.map(probe),
    }),
  );
}

/**
 * sha256 (hex) of a whole plan: its runbook, site and every step's hash in order (rollback and cleanup steps
 * included, with what makes a cleanup moot).
 */
export function planHash(plan: Plan): string {
  return sha256(
    canonicalJson({
      runbook: plan.runbook,
      site: plan.site,
      steps: plan.steps.map((s) => ({
        step: stepHash(s),
        rollback: s.kind === 'check' ? undefined : s.rollback?.steps.map(stepHash),
        cleanup:
          s.kind === 'action' && s.cleanup !== undefined
            ? { steps: s.cleanup.steps.map(stepHash), endedBy: s.cleanup.endedBy }
            : undefined,
      })),
    }),
  );
}

function sha256(text: string): string {
  return sha256Hex(text);
}

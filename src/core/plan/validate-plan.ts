import type { z } from 'zod';
import { RunbookInvalidError } from './runbook-errors.ts';
import { stdinSecretNames } from './describe-command.ts';
import { PlanSchema, type ExecutableStep, type Plan, type Probe } from './step-schema.ts';

/** What the validator needs to know of the site: its host names and SQL targets. */
export interface PlanSiteView {
  readonly hosts: readonly string[];
  readonly obClusters: readonly string[];
  /** Whether the site has the secret a command reads on stdin; without it, names are not checked. */
  readonly hasSecret?: (name: string) => boolean;
}

/**
 * Parses a runbook's plan and enforces the rules the schema alone cannot: every destructive step has a gate,
 * every action and manual step has a rollback decision (rollback steps, or `irreversible` with a reason, not
 * both), a check changes nothing, each target host has exactly one command, probes fit the target kind and
 * every host, SQL target and stdin secret exists at the site, a cleanup's `endedBy` names later steps. Throws
 * `RunbookInvalidError` naming the step.
 */
export function validatePlan(runbook: string, input: unknown, site: PlanSiteView): Plan {
  const parsed = PlanSchema.safeParse(input);
  if (!parsed.success) throw fromZod(runbook, input, parsed.error);
  const plan = parsed.data;
  const seen = new Set<string>();
  const fail = (step: string, problem: string) => new RunbookInvalidError(runbook, step, problem);
  for (const step of plan.steps) {
    const cleanup = step.kind === 'action' ? step.cleanup : undefined;
    const ids = [
      step.id,
      ...(step.kind === 'check' ? [] : (step.rollback?.steps ?? []).map((r) => r.id)),
      ...(cleanup?.steps ?? []).map((c) => c.id),
    ];
    for (const id of ids) {
      if (seen.has(id)) throw fail(id, 'step id used twice in the plan');
      seen.add(id);
    }
    if (step.destructive && step.gate === undefined) throw fail(step.id, 'destructive step without a gate');
    if (step.kind === 'check' && step.destructive)
      throw fail(step.id, 'a check may not be destructive (it only reads)');
    if (step.kind !== 'check') {
      if (step.rollback === undefined && step.irreversible === undefined) {
        throw fail(step.id, 'no rollback decision: give rollback steps or irreversible with a reason');
      }
      if (step.rollback !== undefined && step.irreversible !== undefined) {
        throw fail(step.id, 'both rollback steps and irreversible given: choose one');
      }
      if (step.kind === 'manual' && step.standIn !== undefined)
        checkHosts(
          fail,
          step.id,
          step.standIn.map((c) => c.host),
          site,
        );
    }
    checkStep(fail, step, site);
    for (const rb of step.kind === 'check' ? [] : (step.rollback?.steps ?? [])) {
      if (rb.kind === 'manual' && rb.standIn !== undefined)
        checkHosts(
          fail,
          rb.id,
          rb.standIn.map((c) => c.host),
          site,
        );
      checkStep(fail, rb, site);
    }
    for (const cl of cleanup?.steps ?? []) checkStep(fail, cl, site);
  }
  plan.steps.forEach((step, i) => {
    const later = plan.steps.slice(i + 1).map((s) => s.id);
    const bad = (step.kind === 'action' ? (step.cleanup?.endedBy ?? []) : []).filter((id) => !later.includes(id));
    if (bad.length > 0) throw fail(step.id, `cleanup.endedBy names ${bad.join(', ')}, not a later step of the plan`);
  });
  return plan;
}

type Fail = (step: string, problem: string) => RunbookInvalidError;

function checkStep(fail: Fail, step: ExecutableStep, site: PlanSiteView): void {
  const t = step.targets;
  if (step.program !== undefined) {
    if (step.kind === 'manual') throw fail(step.id, 'a manual step cannot run a program');
    if (step.destructive)
      throw fail(step.id, 'a destructive step cannot run a program: its gate must show exact commands');
    if (step.commands.length > 0 || step.sql.length > 0)
      throw fail(step.id, 'a program step gives no commands or SQL of its own');
    if (t.kind === 'hosts') checkHosts(fail, step.id, t.hosts, site);
    else if (!site.obClusters.includes(t.target)) throw fail(step.id, `unknown SQL target ${t.target}`);
  } else if (t.kind === 'hosts') {
    checkHosts(fail, step.id, t.hosts, site);
    if (step.sql.length > 0) throw fail(step.id, 'SQL given for a step that targets hosts');
    const needsCommands = step.kind !== 'manual';
    const cmdHosts = step.commands.map((c) => c.host);
    if (needsCommands || cmdHosts.length > 0) {
      const missing = t.hosts.filter((h) => !cmdHosts.includes(h));
      const extra = cmdHosts.filter((h) => !t.hosts.includes(h));
      const twice = cmdHosts.filter((h, i) => cmdHosts.indexOf(h) !== i);
      if (missing.length > 0) throw fail(step.id, `no command for target host(s) ${missing.join(', ')}`);
      if (extra.length > 0) throw fail(step.id, `command for host(s) not targeted: ${extra.join(', ')}`);
      if (twice.length > 0) throw fail(step.id, `more than one command for host(s) ${twice.join(', ')}`);
    }
  } else {
    if (!site.obClusters.includes(t.target)) throw fail(step.id, `unknown SQL target ${t.target}`);
    if (step.commands.length > 0) throw fail(step.id, 'shell commands given for a step that targets SQL');
    if (step.kind !== 'manual' && step.sql.length === 0) throw fail(step.id, 'no SQL statement');
  }
  for (const p of [...step.preconditions, ...step.verify]) checkProbe(fail, step.id, p, t.kind, site);
  const unknown = stdinSecretNames(step).filter((n) => site.hasSecret !== undefined && !site.hasSecret(n));
  if (unknown.length > 0)
    throw fail(step.id, `stdin names secret(s) the site file does not have: ${unknown.join(', ')}`);
}

function checkProbe(fail: Fail, stepId: string, p: Probe, targetKind: 'hosts' | 'sql', site: PlanSiteView): void {
  if (p.kind === 'sql-matches') {
    if (targetKind !== 'sql') throw fail(stepId, 'an SQL probe on a step that targets hosts');
  } else {
    if (p.hosts !== undefined) checkHosts(fail, stepId, p.hosts, site);
    else if (targetKind === 'sql') throw fail(stepId, `probe ${p.kind} on an SQL step needs its hosts`);
  }
  if (p.kind === 'output-matches' || p.kind === 'sql-matches') {
    try {
      new RegExp(p.pattern, 'm');
    } catch (e) {
      throw fail(stepId, `bad pattern /${p.pattern}/: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function checkHosts(fail: Fail, stepId: string, hosts: readonly string[], site: PlanSiteView): void {
  const unknown = hosts.filter((h) => !site.hosts.includes(h));
  if (unknown.length > 0) throw fail(stepId, `unknown host(s) ${unknown.join(', ')}`);
}

/** Turns the first schema problem into an error naming the step it sits in. */
function fromZod(runbook: string, input: unknown, error: z.ZodError): RunbookInvalidError {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  let step: string | undefined;
  if (path[0] === 'steps' && typeof path[1] === 'number') {
    const raw = (input as { steps?: { id?: unknown }[] }).steps?.[path[1]];
    step = typeof raw?.id === 'string' ? raw.id : `#${path[1] + 1}`;
  }
  const where = path.slice(step === undefined ? 0 : 2).join('.');
  return new RunbookInvalidError(
    runbook,
    step,
    `${where ? `${where}: ` : ''}${issue?.message ?? 'invalid plan'}`,
    error,
  );
}

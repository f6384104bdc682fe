import { compileProbe, describeProbe } from '../plan/probes.ts';
import { needsApproval } from './plan-next-action.ts';
import type { Phase } from './next-action.ts';
import { describeCommand } from '../plan/describe-command.ts';
import { stepHash } from '../plan/step-hash.ts';
import type { ExecutableStep, Plan, Probe, Targets } from '../plan/step-schema.ts';

/**
 * The dry run: the plan as text, every step with its targets, its gate, each probe's exact command and the
 * exact command per host (or SQL), then its rollback. What a person approves is exactly what is shown here.
 */
export function renderPlan(plan: Plan): string {
  const lines = [`Plan: ${plan.title} (runbook ${plan.runbook}, site ${plan.site})`];
  plan.steps.forEach((step, i) => {
    lines.push('', `${i + 1}. [${step.kind}] ${step.id}: ${step.title}`);
    renderStep(step, 'forward', '   ', lines);
    renderManual(step, '   ', lines);
    if (step.kind === 'check' && step.evaluator !== undefined) lines.push(`   evaluated by: ${step.evaluator}`);
    if (step.kind !== 'check') {
      if (step.irreversible !== undefined) lines.push(`   irreversible: ${step.irreversible.reason}`);
      for (const rb of step.rollback?.steps ?? []) {
        lines.push(`   rollback ${rb.id}: ${rb.title}`);
        renderStep(rb, 'rollback', '     ', lines);
        renderManual(rb, '     ', lines);
      }
    }
    if (step.kind === 'action' && step.cleanup !== undefined) {
      const ended = step.cleanup.endedBy.length > 0 ? ` (unless ${step.cleanup.endedBy.join(', ')} ran)` : '';
      for (const cl of step.cleanup.steps) {
        lines.push(`   cleanup on abort${ended} ${cl.id}: ${cl.title}`);
        renderStep(cl, 'cleanup', '     ', lines);
      }
    }
  });
  return lines.join('\n');
}

function renderStep(step: ExecutableStep, phase: Phase, pad: string, lines: string[]): void {
  lines.push(`${pad}targets: ${renderTargets(step.targets)}`);
  const gated = needsApproval(step, phase);
  lines.push(
    `${pad}${step.destructive ? 'DESTRUCTIVE, ' : ''}${gated ? `gated${step.gate ? `: ${step.gate.prompt}` : ''}` : 'no gate'}`,
  );
  lines.push(`${pad}hash: ${stepHash(step)}`);
  renderProbes('precondition', step.preconditions, pad, lines);
  for (const c of step.commands) lines.push(`${pad}on ${c.host}: ${describeCommand(c)}`);
  for (const s of step.sql) lines.push(`${pad}sql: ${s}`);
  if (step.program !== undefined) lines.push(`${pad}program: ${step.program.id} ${JSON.stringify(step.program.args)}`);
  renderProbes('verify', step.verify, pad, lines);
}

function renderManual(step: ExecutableStep, pad: string, lines: string[]): void {
  if (step.kind !== 'manual') return;
  lines.push(`${pad}instructions: ${step.instructions}`);
  for (const [k, v] of Object.entries(step.parameters)) lines.push(`${pad}  ${k}: ${v}`);
  for (const c of step.standIn ?? []) lines.push(`${pad}stand-in on ${c.host}: ${describeCommand(c)}`);
}

function renderProbes(label: string, probes: readonly Probe[], pad: string, lines: string[]): void {
  for (const p of probes) {
    const cmd = p.kind === 'sql-matches' ? p.sql : compileProbe(p);
    const on = p.kind !== 'sql-matches' && p.hosts !== undefined ? ` on ${p.hosts.join(', ')}` : '';
    lines.push(`${pad}${label}: ${describeProbe(p)}${on}  [${cmd ?? ''}]`);
  }
}

function renderTargets(t: Targets): string {
  if (t.kind === 'sql') return `SQL ${t.target}`;
  const how = t.oneAtATime
    ? 'one at a time'
    : t.concurrency !== undefined
      ? `${t.concurrency} at a time`
      : 'all at once';
  return `${t.hosts.join(', ')}${t.group !== undefined ? ` (group ${t.group})` : ''}, ${how}`;
}

import type { AuditEvent, AuditEventType } from '../ports/audit.ts';
import type { EngineEvent, EventBody } from '../ports/events.ts';
import { assertNever } from '../result.ts';
import type { EngineDeps } from './engine-deps.ts';

/** The bot's own name in the audit trail. */
export const BOT_ACTOR = 'opsgate';

/**
 * Emits an engine event and appends its audit counterpart (when it has one). The audit record carries the
 * actor, the run, the step, the plan or step hash, and for finished steps the exit codes and output digests
 * per host; never output, never a secret.
 */
export async function notify(
  deps: Pick<EngineDeps, 'events' | 'audit' | 'clock'>,
  head: { readonly site: string; readonly runId: string },
  body: EventBody,
): Promise<void> {
  const event = { ...head, at: deps.clock.now(), ...body } as EngineEvent;
  const audit = toAudit(event);
  await Promise.all([audit === undefined ? undefined : deps.audit.append(audit), deps.events.emit(event)]);
}

/** Appends an audit record that has no engine event of its own (lock taken and released, reconciled). */
export async function auditOnly(
  deps: Pick<EngineDeps, 'audit' | 'clock'>,
  e: Omit<AuditEvent, 'at'> & { readonly type: AuditEventType },
): Promise<void> {
  await deps.audit.append({ ...e, at: deps.clock.now() });
}

function toAudit(e: EngineEvent): AuditEvent | undefined {
  const base = { site: e.site, runId: e.runId, at: e.at };
  switch (e.type) {
    case 'run.requested':
      return {
        ...base,
        type: 'run.requested',
        actor: e.requester,
        data: { runbook: e.runbook, args: e.args, dryRun: e.dryRun },
      };
    case 'run.planned':
      return {
        ...base,
        type: 'run.planned',
        actor: BOT_ACTOR,
        planHash: e.planHash,
        data: { steps: e.steps.map((s) => ({ id: s.id, hash: s.hash, destructive: s.destructive })), dryRun: e.dryRun },
      };
    case 'run.refused':
      return {
        ...base,
        type: 'run.refused',
        actor: e.requester,
        data: { reason: e.reason, ...(e.heldBy ? { heldBy: e.heldBy } : {}) },
      };
    case 'run.finished':
      return {
        ...base,
        type: e.outcome === 'rolled-back' ? 'rollback.finished' : 'run.finished',
        actor: BOT_ACTOR,
        data: { outcome: e.outcome, statusLine: e.statusLine },
      };
    case 'step.started':
      return {
        ...base,
        type: 'step.started',
        actor: BOT_ACTOR,
        stepId: e.stepId,
        ...hashOf(e),
        data: { attempt: e.attempt, phase: e.cleanup === true ? 'cleanup' : e.phase, targets: e.targets },
      };
    case 'step.finished':
      return {
        ...base,
        type: 'step.finished',
        actor: BOT_ACTOR,
        stepId: e.stepId,
        ...hashOf(e),
        data: {
          status: e.status,
          ...(e.failedAt ? { failedAt: e.failedAt } : {}),
          hosts: e.hosts,
          probes: e.probes.map((p) => ({ host: p.host, probe: p.probe, ok: p.ok })),
        },
      };
    case 'step.interrupted':
      return {
        ...base,
        type: 'step.interrupted',
        actor: BOT_ACTOR,
        stepId: e.stepId,
        data: { probes: e.probes, summary: e.summary },
      };
    case 'gate.opened':
      return {
        ...base,
        type: 'gate.opened',
        actor: BOT_ACTOR,
        stepId: e.gate.stepId,
        planHash: e.gate.planHash,
        data: { gateId: e.gate.id, kind: e.gate.kind, expiresAt: e.gate.expiresAt },
      };
    case 'gate.decided':
      return {
        ...base,
        type: 'gate.decided',
        actor: e.by,
        stepId: e.stepId,
        data: { gateId: e.gateId, choice: e.choice },
      };
    case 'gate.expired':
      return { ...base, type: 'gate.expired', actor: BOT_ACTOR, stepId: e.stepId, data: { gateId: e.gateId } };
    case 'rollback.started':
      return {
        ...base,
        type: 'rollback.started',
        actor: e.requestedBy,
        data: { covers: e.covers, irreversible: e.irreversible },
      };
    case 'run.stopped':
    case 'step.output-summary':
    case 'step.progress':
    case 'lock.stale':
      return undefined;
    default:
      return assertNever(e, 'engine event');
  }
}

function hashOf(e: { readonly stepHash?: string }): { planHash?: string } {
  return e.stepHash === undefined ? {} : { planHash: e.stepHash };
}

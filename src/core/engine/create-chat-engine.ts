import type {
  ChatEngine,
  EngineRefusal,
  GateDecisionOutcome,
  GateDecisionRequest,
  RunRequest,
} from '../ports/chat-engine.ts';
import type { Engine } from './create-engine.ts';
import type { AuditLog } from '../ports/audit.ts';
import type { GateStore } from '../ports/gates.ts';
import { err, ok, type Result } from '../result.ts';
import { mayStartRuns } from '../sites/to-approval-policy.ts';
import { runbookFor, type CommandRunbooks, type RunbookCall } from './command-runbooks.ts';
import { gateView, runSummary } from './run-views.ts';
import type { SiteDirectory } from '../sites/site.ts';
import type { StorePersistence } from '../ports/store-persistence.ts';
import { storeSafety } from './store-safety.ts';
import { chatRollback } from './chat-rollback.ts';
import { runAwaiting, waitingGateOf } from './run-awaiting.ts';
import type { EventFeed } from '../ports/events.ts';
import { readRunEvents } from './read-run-events.ts';

/** Who serves the sites' queues (worker heartbeats, see src/adapters/redis/redis-worker-registry.ts). */
export interface WorkerPresence {
  /** Live workers per site. */
  servingCounts(sites: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /** The sentence for a site nobody serves. */
  message(site: string): string;
}

/** What the chat adapter over the engine needs. */
export interface ChatEngineDeps {
  readonly engine: Engine;
  /** To find a gate's site and full plan hash before a decision. */
  readonly gates: Pick<GateStore, 'get'>;
  readonly audit: Pick<AuditLog, 'read'>;
  /** The sites (their channel and who may start runs). */
  readonly sites: Pick<SiteDirectory, 'get'>;
  readonly runbooks: CommandRunbooks;
  /** When given, a run is refused at a site no live worker serves, and `/runs` marks such sites' active runs. */
  readonly workers?: WorkerPresence;
  /**
   * How the run store persists, asked on every request: when it may lose runs, upgrades and rollbacks are
   * refused and prechecks and dry runs warned (src/core/engine/store-safety.ts). Absent: nothing is checked.
   */
  readonly persistence?: StorePersistence;
  /** The sites' event streams, read by `/show` for a run's whole record; without it `/show` is refused. */
  readonly events?: EventFeed;
}

/** A button carries at least this many hex digits of the step hash. */
const MIN_HASH_DIGITS = 8;

const refusal = (code: string, message: string): Result<never, EngineRefusal> => err({ code, message });

/**
 * The `ChatEngine` port over the engine, shared by Slack, the console and the CLI: it maps commands onto
 * runbooks, checks who may start runs at a site, refuses upgrades and rollbacks while the run store may lose
 * runs, and before a decision checks that the gate belongs to the channel the click came from and that the
 * (short) plan hash the person saw is the gate's, then lets the engine and the gate store apply every policy
 * check.
 */
export function createChatEngine(deps: ChatEngineDeps): ChatEngine {
  const { engine } = deps;
  const safety = storeSafety(deps.persistence);

  const prepare = (req: RunRequest): Result<RunbookCall, EngineRefusal> => {
    const site = deps.sites.get(req.command.site);
    if (site === undefined) return refusal('SITE_UNKNOWN', `no site named ${req.command.site}`);
    if (!mayStartRuns(site.starters, req.requester, req.requesterGroups ?? [])) {
      return refusal(
        'NOT_A_STARTER',
        `${req.requester} may not start runs at ${site.name}: the site's policy names who may (policy.starters)`,
      );
    }
    const call = runbookFor(deps.runbooks, req.command);
    return call.ok ? call : refusal('NO_RUNBOOK', `${call.error} yet`);
  };

  const summary = async (runId: string) => {
    const found = await engine.getRun(runId);
    return found === undefined ? undefined : runSummary(found.run, found.plan);
  };

  return {
    async requestRun(req) {
      const call = prepare(req);
      if (!call.ok) return call;
      // An upgrade changes the site: never on a store that may lose the run (a precheck only warns).
      const risk = await safety.assess();
      if (risk !== undefined && req.command.name === 'upgrade') return err(risk.refusal('upgrade'));
      const site = req.command.site;
      if (deps.workers !== undefined && ((await deps.workers.servingCounts([site])).get(site) ?? 0) === 0)
        return refusal('NO_WORKER', deps.workers.message(site));
      const warning = risk?.warning;
      const r = await engine.request({ site, ...call.value, requester: req.requester });
      return r.ok
        ? ok({ runId: r.value.runId, ...(warning ? { warning } : {}) })
        : refusal(r.error.code, r.error.message);
    },

    async dryRunPlan(req) {
      const call = prepare(req);
      if (!call.ok) return call;
      const warning = (await safety.assess())?.warning;
      const r = await engine.request({ site: req.command.site, ...call.value, requester: req.requester, dryRun: true });
      return r.ok
        ? ok({ text: r.value.rendered, ...(warning ? { warning } : {}) })
        : refusal(r.error.code, r.error.message);
    },

    requestRollback: (req) => chatRollback({ engine, gates: deps.gates, safety, decide }, req),

    async listRuns(filter) {
      const lists = await Promise.all(filter.sites.map((s) => engine.listRuns(s)));
      const serving = deps.workers === undefined ? undefined : await deps.workers.servingCounts(filter.sites);
      const unserved = (site: string) => serving !== undefined && (serving.get(site) ?? 0) === 0;
      const runs = lists.flat().sort((a, b) => b.createdAt - a.createdAt);
      return Promise.all(
        runs.map(async (run) => {
          const s = runSummary(run);
          // Only a run holding its site's lock waits for anybody: at most one per site.
          if (run.dryRun || (run.outcome !== undefined && run.outcome !== 'rejected')) return s;
          const plan = (await engine.getRun(run.id))?.plan;
          const awaiting = plan === undefined ? undefined : await runAwaiting(run, plan, deps.gates);
          const title = unserved(run.site) ? `${s.title} (paused: ${deps.workers?.message(run.site) ?? ''})` : s.title;
          return { ...s, title, ...(awaiting === undefined ? {} : { awaiting }) };
        }),
      );
    },

    getRun: summary,

    async pendingGates(filter) {
      const lists = await Promise.all(filter.sites.map((s) => engine.listRuns(s)));
      const active = lists.flat().filter((r) => !r.dryRun && r.outcome === undefined && r.abort === undefined);
      const found = await Promise.all(
        active
          .sort((a, b) => a.createdAt - b.createdAt)
          .map(async (run) => {
            const plan = (await engine.getRun(run.id))?.plan;
            const waiting = plan === undefined ? undefined : waitingGateOf(run, plan);
            const gate = waiting === undefined ? undefined : await deps.gates.get(waiting.gateId);
            if (gate === undefined || gate.status !== 'pending') return undefined;
            const { approvers, approverGroups, requesterMayApprove } = gate.policy;
            return {
              gate: gateView(gate, plan),
              policy: { approvers, approverGroups, requesterMayApprove },
              approvedBy: gate.approvals.map((a) => a.by),
            };
          }),
      );
      return found.filter((g) => g !== undefined);
    },

    async exportAudit(runId) {
      const found = await engine.getRun(runId);
      if (found === undefined) return refusal('RUN_NOT_FOUND', `no run ${runId}`);
      const records = await deps.audit.read(found.run.site, { runId });
      return ok({ filename: `audit-${runId}.jsonl`, content: records.map((r) => `${JSON.stringify(r)}\n`).join('') });
    },

    async runEvents(runId) {
      const found = await engine.getRun(runId);
      if (found === undefined) return refusal('RUN_NOT_FOUND', `no run ${runId}`);
      if (deps.events === undefined) return refusal('NO_RECORD', 'this process does not read the event streams');
      return ok(await readRunEvents(deps.events, found.run.site, runId));
    },

    decide,
  };

  async function decide(req: GateDecisionRequest): Promise<Result<GateDecisionOutcome, EngineRefusal>> {
    const gate = await deps.gates.get(req.gateId);
    if (gate === undefined)
      return refusal('UNKNOWN_GATE', 'This gate is unknown to opsgate (it may have been cleaned up).');
    const channel = deps.sites.get(gate.site)?.channel;
    if (channel !== req.channel)
      return refusal('WRONG_CHANNEL', `This gate belongs to site ${gate.site}; decide it in that site's channel.`);
    if (req.planHash.length < MIN_HASH_DIGITS || !gate.planHash.startsWith(req.planHash)) {
      return refusal(
        'PLAN_CHANGED',
        'The plan changed since this gate was shown; nothing was decided. Look at the new gate in the thread.',
      );
    }
    const r = await engine.decide({
      gateId: req.gateId,
      user: req.user,
      userGroups: req.userGroups,
      choice: req.choice,
      planHash: gate.planHash,
    });
    if (!r.ok) return refusal(r.error.code, r.error.message);
    const found = await engine.getRun(gate.runId);
    return ok({ status: r.value.status, gate: gateView(r.value.gate, found?.plan) });
  }
}

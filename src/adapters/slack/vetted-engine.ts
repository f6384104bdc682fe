import type { ChatEngine, EngineRefusal } from '../../core/ports/chat-engine.ts';
import { err } from '../../core/result.ts';

/**
 * The engine as the Slack handlers see it: every call that decides a gate (`decide`, and `requestRollback`,
 * which answers a paused run's gate) first vets the account (`vetUser`: not deactivated, bot or guest; fail
 * closed), so that no decision path from Slack can skip it, whichever handler it comes through.
 */
export function vettedEngine(engine: ChatEngine, vetUser: (user: string) => Promise<string | undefined>): ChatEngine {
  const refusalFor = async (user: string): Promise<EngineRefusal | undefined> => {
    let reason: string | undefined;
    try {
      reason = await vetUser(user);
    } catch {
      return {
        code: 'USER_UNVERIFIED',
        message: 'opsgate could not check your Slack account just now, so nothing was decided; try again in a minute.',
      };
    }
    return reason === undefined ? undefined : { code: 'USER_REFUSED', message: reason };
  };
  const runEvents = engine.runEvents?.bind(engine);
  return {
    requestRun: (req) => engine.requestRun(req),
    dryRunPlan: (req) => engine.dryRunPlan(req),
    listRuns: (filter) => engine.listRuns(filter),
    pendingGates: (filter) => engine.pendingGates(filter),
    getRun: (runId) => engine.getRun(runId),
    exportAudit: (runId) => engine.exportAudit(runId),
    ...(runEvents === undefined ? {} : { runEvents }),
    async requestRollback(req) {
      const refusal = await refusalFor(req.requester);
      return refusal === undefined ? engine.requestRollback(req) : err(refusal);
    },
    async decide(req) {
      const refusal = await refusalFor(req.user);
      return refusal === undefined ? engine.decide(req) : err(refusal);
    },
  };
}

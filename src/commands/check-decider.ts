import { err, ok, type Result } from '../core/result.ts';
import type { CommandDeps } from '../core/ports/chat-engine.ts';

/** Why a person may not decide: `refused` says why; `unavailable`: Slack could not tell (fail closed). */
export type DeciderRefusal = { readonly kind: 'refused'; readonly reason: string } | { readonly kind: 'unavailable' };

/**
 * The account and group checks every decision on a gate goes through, whichever way it comes (a button, a
 * numbered answer, `/rollback` answering a paused run's gate): the account is vetted (`vetUser`: not
 * deactivated, bot or guest), then the person's groups among `candidates` are resolved (`groupsOf`). Both fail
 * closed. Resolves with the groups, for the engine's policy and four-eyes checks.
 */
export async function checkDecider(
  deps: Pick<CommandDeps, 'vetUser' | 'groupsOf'>,
  user: string,
  candidates: readonly string[],
): Promise<Result<readonly string[], DeciderRefusal>> {
  try {
    const refusal = deps.vetUser === undefined ? undefined : await deps.vetUser(user);
    if (refusal !== undefined) return err({ kind: 'refused', reason: refusal });
    if (deps.groupsOf === undefined || candidates.length === 0) return ok([]);
    return ok(await deps.groupsOf(user, candidates));
  } catch {
    return err({ kind: 'unavailable' });
  }
}

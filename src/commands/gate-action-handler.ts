import { err, type Result } from '../core/result.ts';
import { choiceOfActionId, parseActionRef } from './action-ref.ts';
import { checkDecider } from './check-decider.ts';
import type { CommandDeps, GateDecisionOutcome } from '../core/ports/chat-engine.ts';
import { sitesOfChannel } from './require-site-channel.ts';

/** A click on a gate button (or a numbered answer in the console). */
export interface GateActionInput {
  readonly actionId: string;
  readonly value: string;
  readonly user: string;
  readonly channel: string;
  readonly messageTs?: string;
  /** `home`: clicked on the Home tab; `channel` is then the gate's site channel the tab recorded. */
  readonly via?: 'home';
}

/** The handler deps, with how the adapter learns someone's groups made mandatory (Slack: usergroups.users.list). */
export interface GateActionDeps extends CommandDeps {
  /** The user's groups among `candidates`; throws when they cannot be resolved (the click is then refused). */
  groupsOf(user: string, candidates: readonly string[]): Promise<readonly string[]>;
}

/**
 * Turns a click into a decision request after the checks that need no engine state (a known button, a site's
 * channel, the user's groups); the engine then checks policy, four eyes, expiry, plan hash and message.
 * A refusal is a message for the clicker saying why.
 */
export async function handleGateAction(
  deps: GateActionDeps,
  input: GateActionInput,
): Promise<Result<GateDecisionOutcome, string>> {
  const choice = choiceOfActionId(input.actionId);
  if (choice === undefined) return err("This button is not one of opsgate's.");
  const ref = parseActionRef(input.value);
  if (!ref.ok) return ref;
  const sites = sitesOfChannel(deps.sites, input.channel);
  if (sites.length === 0) return err("This gate is not in a site's channel; decisions are only taken there.");
  const candidates = [...new Set(sites.flatMap((s) => s.policy.approverGroups))];
  const decider = await checkDecider(deps, input.user, candidates);
  if (!decider.ok) {
    // Fail closed: without the account and group facts we cannot tell whether the person may decide.
    return err(
      decider.error.kind === 'refused'
        ? decider.error.reason
        : 'opsgate could not check your account and user groups with Slack just now, so the click was not counted; try again in a minute.',
    );
  }
  const userGroups = decider.value;
  const res = await deps.engine.decide({
    gateId: ref.value.gateId,
    planHash: ref.value.planHash,
    choice,
    user: input.user,
    userGroups,
    channel: input.channel,
    ...(input.messageTs === undefined ? {} : { messageTs: input.messageTs }),
    ...(input.via === undefined ? {} : { via: input.via }),
  });
  return res.ok ? res : err(res.error.message);
}

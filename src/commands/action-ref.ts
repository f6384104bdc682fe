import { err, ok, type Result } from '../core/result.ts';
import type { GateChoice } from '../core/ports/gates.ts';

/**
 * Buttons carry opaque references, never commands: a version tag, the gate id and the short plan hash the
 * person saw. The server re-loads everything else and re-checks it on every click.
 */
export interface ActionRef {
  readonly gateId: string;
  readonly planHash: string;
}

/** The gate choices a button can carry, and the action id of each. */
export const GATE_CHOICES: readonly GateChoice[] = [
  'approve',
  'reject',
  'done',
  'retry',
  'mark-done',
  'roll-back',
  'abort',
];
const ACTION_PREFIX = 'opsgate.gate.';

const GATE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const HASH = /^[0-9a-f]{8,64}$/;
/** How many hex digits of the plan hash a button carries (and a person sees). */
export const SHORT_HASH_LENGTH = 12;

/** `action_id` of the button for a choice (≤ 255 chars, unique within its block). */
export const actionIdFor = (choice: GateChoice): string => `${ACTION_PREFIX}${choice}`;

/** Every action id opsgate's buttons use, matched by the Slack app. */
export const ACTION_ID_PATTERN = /^opsgate\.gate\.[a-z-]{1,16}$/;

/** The gate choice a button's action id stands for, or undefined for anything that is not one of ours. */
export function choiceOfActionId(actionId: string): GateChoice | undefined {
  if (!actionId.startsWith(ACTION_PREFIX)) return undefined;
  const c = actionId.slice(ACTION_PREFIX.length);
  return GATE_CHOICES.find((g) => g === c);
}

/** The plan hash as buttons carry it and people see it. */
export const shortHash = (planHash: string): string => planHash.slice(0, SHORT_HASH_LENGTH);

/** The button value for a gate (≤ 2000 chars by construction). Throws if the gate id or hash is malformed. */
export function encodeActionRef(ref: ActionRef): string {
  const hash = shortHash(ref.planHash);
  if (!GATE_ID.test(ref.gateId) || !HASH.test(hash)) throw new Error(`malformed gate reference ${JSON.stringify(ref)}`);
  return `g1:${ref.gateId}:${hash}`;
}

/** Parses a button value; anything not produced by `encodeActionRef` is refused. */
export function parseActionRef(value: string): Result<ActionRef, string> {
  const parts = value.length <= 200 ? value.split(':') : [];
  const [tag, gateId, planHash] = parts;
  if (
    parts.length !== 3 ||
    tag !== 'g1' ||
    gateId === undefined ||
    planHash === undefined ||
    !GATE_ID.test(gateId) ||
    !HASH.test(planHash)
  ) {
    return err('This button does not belong to an opsgate gate.');
  }
  return ok({ gateId, planHash });
}

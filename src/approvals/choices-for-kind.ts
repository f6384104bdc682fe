import type { GateChoice } from '../core/ports/gates.ts';
import type { GateKind } from '../core/plan/run-state.ts';
import { assertNever } from '../core/result.ts';

/**
 * Choices that stop a run where it is. The requester may always stop their own run, so these are open to the
 * requester even when four eyes are required for moving forward.
 */
export const STOPPING_CHOICES: readonly GateChoice[] = ['reject', 'abort'];

/** True when `choice` stops the run rather than moving it forward. */
export function isStoppingChoice(choice: GateChoice): boolean {
  return STOPPING_CHOICES.includes(choice);
}

/**
 * The answers that make sense for a kind of gate. A gate may offer a subset (e.g. a failure gate without
 * `roll-back` when nothing has been done yet), never a choice outside this list.
 */
export function choicesForKind(kind: GateKind): readonly GateChoice[] {
  switch (kind) {
    case 'approval':
    case 'rollback':
      return ['approve', 'reject'];
    case 'manual':
      return ['done', 'abort'];
    case 'failure':
      return ['retry', 'roll-back', 'abort'];
    case 'interrupted':
      return ['retry', 'mark-done', 'roll-back', 'abort'];
    default:
      return assertNever(kind, 'gate kind');
  }
}

/**
 * An interrupted gate offered as "not started": its step was interrupted before any command reached a host and its
 * preconditions still held, so there is nothing to mark done (the engine leaves `mark-done` out of its choices).
 */
export function isNotStartedGate(gate: { readonly kind: GateKind; readonly choices: readonly GateChoice[] }): boolean {
  return gate.kind === 'interrupted' && !gate.choices.includes('mark-done');
}

/** How each choice reads in a sentence. */
const CHOICE_WORDS: Readonly<Record<GateChoice, string>> = {
  approve: 'approve',
  reject: 'reject',
  done: 'done',
  retry: 'retry',
  'mark-done': 'mark done',
  'roll-back': 'roll back',
  abort: 'abort',
};

/** `choice` as it reads in a sentence ("roll back", "mark done"). */
export function choiceInWords(choice: GateChoice): string {
  return CHOICE_WORDS[choice];
}

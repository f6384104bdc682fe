import type { GateChoice } from '../../core/ports/gates.ts';
import { actionIdFor, encodeActionRef } from '../../commands/action-ref.ts';
import type { GateView } from '../../core/ports/views.ts';
import { LIMITS, safePlain } from './block-limits.ts';
import { plain, type ActionsBlock, type ButtonElement, type ConfirmDialog } from './blocks.ts';
import { blockId } from './fit-blocks.ts';

interface ButtonSpec {
  readonly label: string;
  readonly style?: 'primary' | 'danger';
  /** Confirm dialog title and text; every choice that moves a run forward or undoes work asks first. */
  readonly confirm?: { readonly title: string; readonly text: (hosts: number) => string; readonly ok: string };
}

const BUTTONS: Readonly<Record<GateChoice, ButtonSpec>> = {
  approve: {
    label: 'Approve',
    style: 'primary',
    confirm: {
      title: 'Approve this step?',
      text: (n) => `opsgate will run exactly the commands shown on ${n} host(s), under your name.`,
      ok: 'Approve and run',
    },
  },
  reject: { label: 'Reject', style: 'danger' },
  done: {
    label: 'Done',
    style: 'primary',
    confirm: {
      title: 'Manual step done?',
      text: () => 'The run continues as if this manual step was carried out as described.',
      ok: 'It is done',
    },
  },
  retry: {
    label: 'Retry',
    style: 'primary',
    confirm: { title: 'Run the step again?', text: (n) => `The step runs again on ${n} host(s).`, ok: 'Retry' },
  },
  'mark-done': {
    label: 'Mark done',
    confirm: {
      title: 'Mark the step done?',
      text: () => 'The step is recorded as done without running it again. Check the hosts first.',
      ok: 'Mark done',
    },
  },
  'roll-back': {
    label: 'Roll back',
    style: 'danger',
    confirm: {
      title: 'Roll back the run?',
      text: () => 'The rollback of every step that ran is planned; its destructive steps ask for approval again.',
      ok: 'Roll back',
    },
  },
  abort: {
    label: 'Abort',
    style: 'danger',
    confirm: {
      title: 'Abort the run?',
      text: () => 'The run stops here; nothing more is executed and the site lock is released.',
      ok: 'Abort',
    },
  },
};

function confirmDialog(
  spec: NonNullable<ButtonSpec['confirm']>,
  hosts: number,
  style: ButtonSpec['style'],
): ConfirmDialog {
  return {
    title: plain(safePlain(spec.title, LIMITS.confirmTitle)),
    text: plain(safePlain(spec.text(hosts), LIMITS.confirmText)),
    confirm: plain(safePlain(spec.ok, LIMITS.confirmButton)),
    deny: plain('Cancel'),
    ...(style === 'danger' ? { style: 'danger' as const } : {}),
  };
}

/**
 * The buttons of a pending gate: one per allowed choice, each carrying only the opaque gate reference.
 * Undefined when the gate id cannot be referenced safely (then no button is offered at all).
 */
export function gateButtons(gate: GateView): ActionsBlock | undefined {
  let value: string;
  try {
    value = encodeActionRef({ gateId: gate.id, planHash: gate.planHash });
  } catch {
    return undefined;
  }
  const choices = [...new Set(gate.choices)].slice(0, LIMITS.actionsElements);
  if (choices.length === 0) return undefined;
  const elements: ButtonElement[] = choices.map((choice) => {
    const spec = BUTTONS[choice];
    return {
      type: 'button',
      action_id: actionIdFor(choice),
      text: plain(safePlain(spec.label, LIMITS.buttonText)),
      value,
      ...(spec.style ? { style: spec.style } : {}),
      ...(spec.confirm ? { confirm: confirmDialog(spec.confirm, gate.targets.length, spec.style) } : {}),
    };
  });
  return { type: 'actions', block_id: blockId('gate', gate.id, 'actions'), elements };
}

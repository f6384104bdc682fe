import { describe, expect, it } from 'vitest';
import { renderGate, renderGateMessage } from '../../../../src/adapters/slack/render-gate.ts';
import type { GateView } from '../../../../src/core/ports/views.ts';

const interrupted = (choices: GateView['choices'], reason: string): GateView => ({
  id: 'gate_1',
  runId: 'run_1',
  site: 'xizang',
  stepId: 'move-dir',
  stepTitle: 'Move /app/data aside',
  kind: 'interrupted',
  status: 'pending',
  planHash: '9f2c0123456789abcdef',
  requester: 'UOPERATOR',
  choices,
  targets: [{ host: 'fdfs-3', commands: ["mv '/app/data' '/app/data_bak'"] }],
  reason,
  expiresAt: 0,
});

describe('renderGate: an interrupted step', () => {
  it('heads a step that sent nothing "Step not started", with no Mark done button', () => {
    const msg = renderGate(interrupted(['retry', 'roll-back', 'abort'], 'Not started: no command reached a host'));
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('*Step not started*: no command reached a host; it can be retried safely');
    expect(text).not.toContain('may or may not have finished');
    const actions = msg.blocks.find((b) => b.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements.map((e) => e.text.text)).toEqual([
      'Retry',
      'Roll back',
      'Abort',
    ]);
  });

  it('keeps the warning for a step that may be partly done', () => {
    const msg = renderGate(interrupted(['retry', 'mark-done', 'roll-back', 'abort'], 'may be partly done'));
    expect(JSON.stringify(msg.blocks)).toContain('*Step interrupted*: it may or may not have finished');
  });
});

describe('renderGate: many hosts', () => {
  it('shows the hosts that run the same commands once, folded, so that every host of a large site is named', () => {
    const paas = Array.from({ length: 200 }, (_, i) => ({
      host: `paas-${i + 1}`,
      commands: ['systemctl restart app'],
    }));
    const msg = renderGate({
      ...interrupted(['retry', 'abort'], 'r'),
      kind: 'approval',
      choices: ['approve', 'reject'],
      targets: [...paas, { host: 'redis-a', commands: ['systemctl restart redis'] }],
    });
    expect(msg.truncated).toBe(false);
    const sections = msg.blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : []));
    expect(sections.filter((t) => t.startsWith('*paas') || t.startsWith('*redis'))).toEqual([
      '*paas-[1-200]* (200 hosts)\n```\nsystemctl restart app\n```',
      '*redis-a*\n```\nsystemctl restart redis\n```',
    ]);
  });

  it('points at the file of every command when blocks are left out to fit the message, and the file has them all', () => {
    // 40 hosts, each with its own 1,000-character command: whole in each block, too many for one message.
    const targets = Array.from({ length: 40 }, (_, i) => ({
      host: `fdfs-${i + 1}`,
      commands: [`cp -a /data/store-${i} /backup/ && ${'true && '.repeat(120)}true`],
    }));
    const view: GateView = { ...interrupted(['retry', 'abort'], 'r'), kind: 'approval', choices: ['approve'], targets };
    const msg = renderGate(view);
    expect(msg.truncated).toBe(true);
    expect(JSON.stringify(msg.blocks)).toContain('every command is in the file gate-move-dir-commands.txt under it');
    const file = renderGateMessage(view).commandsFile;
    expect(file?.filename).toBe('gate-move-dir-commands.txt');
    for (const t of targets) expect(file?.content).toContain(`# ${t.host} (1 host(s))\n${t.commands[0]}\n`);
    expect(renderGateMessage({ ...view, targets: targets.slice(0, 2) }).commandsFile).toBeUndefined();
  });
});

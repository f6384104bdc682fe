import { describe, expect, it } from 'vitest';
import type { types } from '@slack/bolt';
import type { GateChoice } from '../../../../src/core/ports/gates.ts';
import type { GateKind } from '../../../../src/core/plan/run-state.ts';
import type { GateView, HostResultView, RunSummary, StepState, StepView } from '../../../../src/core/ports/views.ts';
import type { SlackMessage } from '../../../../src/adapters/slack/blocks.ts';
import { checkMessage } from '../../../../src/adapters/slack/check-message.ts';
import { renderRunMessage } from '../../../../src/adapters/slack/render-run-message.ts';
import { renderStepReply } from '../../../../src/adapters/slack/render-step-reply.ts';
import { renderGate } from '../../../../src/adapters/slack/render-gate.ts';
import { renderRunsList } from '../../../../src/adapters/slack/render-runs-list.ts';
import { renderNotice, renderPlan } from '../../../../src/adapters/slack/render-notice.ts';
import { replyRefs } from '../../../../src/adapters/slack/block-limits.ts';
import { parseActionRef } from '../../../../src/commands/action-ref.ts';

const MB = 'x'.repeat(1_048_576);
const HOSTILE = [
  '',
  ' ',
  '<!channel>',
  '<!here|here>',
  '<@UEVIL>',
  '<#CEVIL>',
  '<https://evil.example|click>',
  '```',
  '`'.repeat(5000),
  'ok\n```\n<!channel>\n```',
  'مرحبا بالعالم \u202Eevil',
  '👍🏽'.repeat(3000),
  '&amp;'.repeat(2000),
  '*_~bold~_*',
  '\n'.repeat(5000),
  'a'.repeat(4001),
  MB,
  '\u0000\u0007\u001b[31m',
  '💥'.repeat(1) + 'x'.repeat(2999),
];

// Deterministic PRNG so a failure is reproducible.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32;
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const STATES: StepState[] = [
  'pending',
  'waiting-approval',
  'running',
  'done',
  'failed',
  'interrupted',
  'rolled-back',
  'skipped',
];
const KINDS: GateKind[] = ['approval', 'rollback', 'manual', 'failure', 'interrupted'];
const CHOICES: GateChoice[] = ['approve', 'reject', 'done', 'retry', 'mark-done', 'roll-back', 'abort'];

function step(r: () => number, i: number): StepView {
  return {
    id: `s${i}`,
    title: pick(r, HOSTILE),
    kind: 'action',
    state: pick(r, STATES),
    startedAt: 1_700_000_000_000,
    finishedAt: 1_700_000_003_210,
    approvedBy: [pick(r, ['UAPPROVER1', '<@UEVIL>', ''])],
  };
}
function host(r: () => number, i: number): HostResultView {
  return {
    host: `${pick(r, HOSTILE).slice(0, 300)}${i}`,
    command: pick(r, HOSTILE),
    exitCode: pick(r, [0, 1, 127, null]),
    durationMs: 1234,
    outputTail: pick(r, HOSTILE),
    outputBytes: 2_000_000,
  };
}
function gate(r: () => number, n: number, status: GateView['status']): GateView {
  return {
    id: pick(r, ['gate_1', 'bad id with spaces', 'g'.repeat(300)]),
    runId: pick(r, HOSTILE),
    site: pick(r, HOSTILE),
    stepId: 's1',
    stepTitle: pick(r, HOSTILE),
    kind: pick(r, KINDS),
    status,
    planHash: pick(r, ['0123456789abcdef0123', 'not-a-hash', '']),
    requester: pick(r, ['UOPERATOR', '<!channel>']),
    choices: CHOICES.filter(() => r() < 0.5),
    targets: Array.from({ length: n }, (_, i) => ({
      host: `h${i}${pick(r, HOSTILE).slice(0, 50)}`,
      commands: [pick(r, HOSTILE), pick(r, HOSTILE)],
    })),
    instructions: pick(r, HOSTILE),
    parameters: Array.from({ length: n }, (_, i) => ({ name: `p${i}`, value: pick(r, HOSTILE) })),
    reason: pick(r, HOSTILE),
    expiresAt: 1_700_000_900_000,
    answerers: {
      approvers: Array.from({ length: pick(r, [0, 1, 3, 500]) }, (_, i) =>
        pick(r, ['UAPPROVER1', `<@UEVIL>${i}`, 'x'.repeat(900)]),
      ),
      approverGroups: Array.from({ length: pick(r, [0, 2, 300]) }, () =>
        pick(r, ['SOPS', '<!subteam^SEVIL>', '`'.repeat(500)]),
      ),
      requesterMayApprove: r() < 0.3,
      approvalsNeeded: pick(r, [1, 2, 99]),
    },
    ...(status === 'decided'
      ? { decision: { choice: pick(r, CHOICES), by: pick(r, ['UAPPROVER1', '<@UEVIL>']), at: 1_700_000_100_000 } }
      : {}),
  };
}

function expectWithinLimits(msg: SlackMessage, opts: { refsAllowed?: boolean } = {}): void {
  expect(checkMessage(msg)).toEqual([]);
  const json = JSON.stringify(msg);
  // Notices keep user and channel references (they come from handlers); nothing else may stay unescaped.
  const forbidden = opts.refsAllowed
    ? ['<!channel>', '<!here', '<https://evil']
    : ['<!channel>', '<!here', '<@UEVIL>', '<#CEVIL>', '<https://evil'];
  for (const raw of forbidden) {
    const at = json.indexOf(raw);
    expect(at, json.slice(Math.max(0, at - 80), at + 40)).toBe(-1);
  }
  // The types we render are Slack's own KnownBlock shapes.
  const known: types.KnownBlock[] = [...msg.blocks];
  expect(known.length).toBe(msg.blocks.length);
}

describe('Block Kit renderers stay within limits for any input', () => {
  it('run message with 10 000 hostile steps shows a bounded window and says how many more', () => {
    const r = rng(1);
    const steps = Array.from({ length: 10_000 }, (_, i) => step(r, i));
    const msg = renderRunMessage(
      {
        id: 'run_1',
        site: 'xizang',
        title: 'upgrade redis',
        requester: 'UOPERATOR',
        state: 'running',
        startedAt: 1_700_000_000_000,
        steps,
      },
      1_700_000_060_000,
    );
    expectWithinLimits(msg);
    expect(msg.truncated).toBe(true);
    expect(JSON.stringify(msg.blocks)).toMatch(/more steps/);
  });

  it('run message keeps the first unfinished step visible deep into a long run', () => {
    const steps: StepView[] = Array.from({ length: 5000 }, (_, i) => ({
      id: `s${i}`,
      title: `step ${i}`,
      kind: 'check',
      state: i < 4000 ? 'done' : i === 4000 ? 'running' : 'pending',
    }));
    const msg = renderRunMessage(
      { id: 'run_1', site: 'xizang', title: 'precheck', requester: 'UOPERATOR', state: 'running', startedAt: 0, steps },
      1,
    );
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain('4001. step 4000');
    expect(json).toContain('3997 earlier steps done');
    expectWithinLimits(msg);
  });

  it('run message shows durations and who approved', () => {
    const msg = renderRunMessage(
      {
        id: 'run_1',
        site: 'xizang',
        title: 'upgrade redis',
        requester: 'UOPERATOR',
        state: 'running',
        startedAt: 0,
        steps: [
          {
            id: 'a',
            title: 'stop replica',
            kind: 'action',
            state: 'done',
            startedAt: 0,
            finishedAt: 3210,
            approvedBy: ['UAPPROVER1'],
          },
        ],
      },
      5000,
    );
    expect(JSON.stringify(msg.blocks)).toContain('done *1. stop replica* · 3.2 s · approved by <@UAPPROVER1>');
  });

  it('step reply with 1 MB outputs on 200 hosts keeps a bounded tail and puts failures first', () => {
    const hosts: HostResultView[] = Array.from({ length: 200 }, (_, i) => ({
      host: `h${i}`,
      command: 'tail -n 5 /var/log/x',
      exitCode: i === 150 ? 2 : 0,
      durationMs: 10,
      outputTail: `${MB}\nLAST LINE ${i}`,
      outputBytes: MB.length,
    }));
    const view = {
      runId: 'run_1',
      step: { id: 's', title: 'check logs', kind: 'check', state: 'failed' },
      targets: hosts.map((h) => h.host),
      hosts,
    } as const;
    const msg = renderStepReply(view, { verbose: true });
    expectWithinLimits(msg);
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain('*h150* · :x: exit 2');
    expect(json).toContain('LAST LINE 150');
    expect(json).toMatch(/more hosts not shown/);
    expect(msg.text).toBe('check logs: failed, 1 of 200 hosts failed');
    // Compact (the thread): only the failed host, with its tail.
    const compact = renderStepReply(view);
    expectWithinLimits(compact);
    const shown = JSON.stringify(compact.blocks);
    expect(shown).toContain('*h150* · :x: exit 2');
    expect(shown).toContain('LAST LINE 150');
    expect(shown).not.toContain('LAST LINE 149');
  });

  it('escapes mentions and breaks code fences coming from command output', () => {
    const msg = renderStepReply(
      {
        runId: 'run_1',
        step: { id: 's', title: '<!channel> hi', kind: 'check', state: 'done' },
        targets: ['a'],
        hosts: [
          {
            host: 'a',
            command: 'echo',
            exitCode: 0,
            durationMs: 1,
            outputTail: 'x\n```\n<!channel> <@UEVIL>\n```',
            outputBytes: 20,
          },
        ],
      },
      { verbose: true },
    );
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain('&lt;!channel&gt; &lt;@UEVIL&gt;');
    expect(json).toContain('`\u200b`\u200b`');
    expectWithinLimits(msg);
  });

  it("shows a check's verdicts failures first, and strips terminal colour codes from output", () => {
    const view = {
      runId: 'run_1',
      step: { id: 's', title: 'precheck', kind: 'check', state: 'failed' },
      targets: ['a'],
      summary: '1 of 2 checks failed',
      findings: [
        { status: 'pass', title: 'disk', evidence: '12 GB free' },
        { status: 'fail', title: 'redis version', evidence: '5.0 < 6.2', host: 'redis-a' },
      ],
      hosts: [
        { host: 'a', exitCode: 1, durationMs: 5, outputTail: '\u001b[31mERROR\u001b[0m bad\u0007', outputBytes: 20 },
      ],
    } as const;
    const msg = renderStepReply(view, { verbose: true });
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain(
      '1 of 2 checks failed\\n:x: *redis version* on redis-a: 5.0 &lt; 6.2\\n:white_check_mark: *disk*: 12 GB free',
    );
    // Compact: what did not hold and the failed host's tail; the check that held is only counted.
    const compact = JSON.stringify(renderStepReply(view).blocks);
    expect(compact).toContain('1 check held, 1 did not');
    expect(compact).toContain(':x: *redis version* on redis-a: 5.0 &lt; 6.2');
    expect(compact).toContain('ERROR bad');
    expect(compact).not.toContain('12 GB free');
    expect(json).toContain('ERROR bad');
    expect(json).not.toContain('\\u001b');
    expectWithinLimits(msg);
  });

  it("pending gates carry only the opaque reference and show every host's exact commands", () => {
    const g: GateView = {
      id: 'gate_1',
      runId: 'run_1',
      site: 'xizang',
      stepId: 's1',
      stepTitle: 'restart redis-a',
      kind: 'approval',
      status: 'pending',
      planHash: '9f2c0123456789abcdef',
      requester: 'UOPERATOR',
      choices: ['approve', 'reject'],
      targets: [{ host: 'redis-a', commands: ["systemctl restart 'redis'"] }],
      expiresAt: 0,
    };
    const msg = renderGate(g);
    expectWithinLimits(msg);
    const actions = msg.blocks.find((b) => b.type === 'actions');
    expect(
      actions?.type === 'actions' && actions.elements.map((e) => [e.action_id, e.value, e.confirm !== undefined]),
    ).toEqual([
      ['opsgate.gate.approve', 'g1:gate_1:9f2c01234567', true],
      ['opsgate.gate.reject', 'g1:gate_1:9f2c01234567', false],
    ]);
    expect(parseActionRef('g1:gate_1:9f2c01234567')).toEqual({
      ok: true,
      value: { gateId: 'gate_1', planHash: '9f2c01234567' },
    });
    expect(JSON.stringify(msg.blocks)).toContain("systemctl restart 'redis'");
    expect(JSON.stringify(msg.blocks)).toContain('`9f2c01234567`');
  });

  it('a decided gate has no buttons and says who decided and when; an expired one says nothing ran', () => {
    const base: GateView = {
      id: 'gate_1',
      runId: 'run_1',
      site: 'xizang',
      stepId: 's1',
      stepTitle: 'restart',
      kind: 'approval',
      status: 'decided',
      planHash: '9f2c0123456789abcdef',
      requester: 'UOPERATOR',
      choices: ['approve', 'reject'],
      targets: [],
      expiresAt: 0,
      decision: { choice: 'approve', by: 'UAPPROVER1', at: Date.UTC(2026, 10, 20, 22, 41, 7) },
    };
    const decided = renderGate(base);
    expect(decided.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(decided.blocks)).toContain('Approved by <@UAPPROVER1> at 2026-11-20 22:41:07 UTC');
    const expired = renderGate({ ...base, status: 'expired', expiresAt: Date.UTC(2026, 10, 20, 23, 0, 0) });
    expect(JSON.stringify(expired.blocks)).toContain(
      'Expired at 2026-11-20 23:00:00 UTC without a decision; nothing was run.',
    );
    // Slack wants new block ids when a message is updated.
    const pendingIds = renderGate({ ...base, status: 'pending' })
      .blocks.map((b) => b.block_id)
      .filter(Boolean);
    for (const id of decided.blocks.map((b) => b.block_id).filter(Boolean)) expect(pendingIds).not.toContain(id);
  });

  it.each(KINDS)('a %s gate offers the buttons its choices allow', (kind) => {
    const choices: Record<GateKind, GateChoice[]> = {
      approval: ['approve', 'reject'],
      rollback: ['approve', 'reject'],
      manual: ['done'],
      failure: ['retry', 'roll-back', 'abort'],
      interrupted: ['retry', 'mark-done', 'roll-back'],
    };
    const msg = renderGate({
      id: 'g',
      runId: 'r',
      site: 's',
      stepId: 'x',
      stepTitle: 't',
      kind,
      status: 'pending',
      planHash: 'abcdef012345',
      requester: 'U1',
      choices: choices[kind],
      targets: [],
      expiresAt: 0,
      parameters: [{ name: 'vip', value: '10.77.0.100' }],
    });
    const actions = msg.blocks.find((b) => b.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements.map((e) => e.text.text)).toEqual(
      choices[kind].map(
        (c) =>
          ({
            approve: 'Approve',
            reject: 'Reject',
            done: 'Done',
            retry: 'Retry',
            'mark-done': 'Mark done',
            'roll-back': 'Roll back',
            abort: 'Abort',
          })[c],
      ),
    );
    expectWithinLimits(msg);
  });

  it('random hostile gates of every kind and status, up to 500 hosts', () => {
    const r = rng(7);
    for (let i = 0; i < 60; i++) {
      const msg = renderGate(gate(r, pick(r, [0, 1, 3, 60, 500]), pick(r, ['pending', 'decided', 'expired'] as const)));
      expectWithinLimits(msg);
    }
  });

  it('random hostile run messages and step replies', () => {
    const r = rng(3);
    for (let i = 0; i < 40; i++) {
      const steps = Array.from({ length: pick(r, [0, 1, 40, 400]) }, (_, j) => step(r, j));
      expectWithinLimits(
        renderRunMessage(
          {
            id: pick(r, HOSTILE),
            site: pick(r, HOSTILE),
            title: pick(r, HOSTILE),
            requester: pick(r, HOSTILE),
            state: 'failed',
            startedAt: 0,
            steps,
          },
          1,
        ),
      );
      const hosts = Array.from({ length: pick(r, [0, 1, 5, 80]) }, (_, j) => host(r, j));
      const findings = Array.from({ length: pick(r, [0, 3, 500]) }, () => ({
        status: pick(r, ['pass', 'fail', 'warn', 'manual', 'skipped'] as const),
        title: pick(r, HOSTILE),
        evidence: pick(r, HOSTILE),
        host: pick(r, HOSTILE),
      }));
      const view = { runId: pick(r, HOSTILE), step: step(r, 0), targets: hosts.map((h) => h.host), hosts, findings };
      expectWithinLimits(renderStepReply(view));
      expectWithinLimits(renderStepReply(view, { verbose: true }));
    }
  });

  it('/runs list with 5 000 runs links threads and stays within limits', () => {
    const r = rng(5);
    const runs: RunSummary[] = Array.from({ length: 5000 }, (_, i) => ({
      id: `run_${i}`,
      site: 'xizang',
      title: pick(r, HOSTILE),
      state: i % 3 === 0 ? 'running' : 'succeeded',
      requester: 'UOPERATOR',
      startedAt: 0,
      permalink: pick(r, [
        'https://acme.slack.com/archives/C1/p1700000000000100',
        'javascript:alert(1)',
        'https://x|y>',
      ]),
    }));
    const msg = renderRunsList(runs, ['xizang'], 1);
    expectWithinLimits(msg);
    expect(JSON.stringify(msg.blocks)).toContain('<https://acme.slack.com/archives/C1/p1700000000000100|run_');
    expect(JSON.stringify(msg.blocks)).not.toContain('javascript:');
    expect(msg.truncated).toBe(true);
  });

  it('notices and dry-run plans of any size', () => {
    for (const t of HOSTILE) {
      expectWithinLimits(renderNotice('error', t), { refsAllowed: true });
      expectWithinLimits(renderPlan(t, t));
    }
    const big = renderPlan('Dry run', Array.from({ length: 20_000 }, (_, i) => `redis-a: cmd ${i}`).join('\n'));
    expectWithinLimits(big);
    expect(big.truncated).toBe(true);
  });
});

describe('renderNotice', () => {
  it('keeps live only the references the caller wrote, and escapes every other <…>', () => {
    const msg = renderNotice(
      'error',
      'Use <#CXIZANG>, ask <@UAPPROVER1>; not <!channel>, <@UEVIL>, <#C1> or <https://evil.example|x> & co',
      ['<#CXIZANG>', '<@UAPPROVER1>'],
    );
    const want =
      'Use <#CXIZANG>, ask <@UAPPROVER1>; not &lt;!channel&gt;, &lt;@UEVIL&gt;, &lt;#C1&gt; or &lt;https://evil.example|x&gt; &amp; co';
    expect(msg.blocks[0]?.type === 'section' ? msg.blocks[0].text.text : '').toContain(want);
    expect(msg.text).toBe(want);
    expect(checkMessage(msg)).toEqual([]);
  });

  it('makes every reference inert when the caller lists none', () => {
    const msg = renderNotice('error', 'Unknown site "<@U123>" in <#C1>, <!here> & <!subteam^S1>');
    expect(msg.text).toBe('Unknown site "&lt;@U123&gt;" in &lt;#C1&gt;, &lt;!here&gt; &amp; &lt;!subteam^S1&gt;');
    expect(JSON.stringify(msg.blocks)).not.toMatch(/<[@#!]/);
  });
});

describe('replyRefs', () => {
  it("offers the sites' channels as references, except one the person typed", () => {
    expect(replyRefs(['CXIZANG', 'GLHASA'], 'xizang redis')).toEqual(['<#CXIZANG>', '<#GLHASA>']);
    expect(replyRefs(['CXIZANG', 'GLHASA'], '<#CXIZANG> redis')).toEqual(['<#GLHASA>']);
  });
});

describe('renderRunMessage headings', () => {
  it('does not repeat the site or a step number the runbook already wrote', () => {
    const msg = renderRunMessage(
      {
        id: 'run_1',
        site: 'xizang',
        title: 'Precheck of site xizang',
        requester: 'U1',
        state: 'running',
        startedAt: 0,
        steps: [
          { id: 'a', title: '1. Every host reachable', kind: 'check', state: 'done' },
          { id: 'b', title: 'unnumbered', kind: 'check', state: 'pending' },
        ],
      },
      0,
    );
    expect(msg.text).toBe('Precheck of site xizang: running (2 steps)');
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain('*1. Every host reachable*');
    expect(json).toContain('*2. unnumbered*');
  });
});

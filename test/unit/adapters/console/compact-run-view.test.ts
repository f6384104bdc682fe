import { describe, expect, it } from 'vitest';
import { CompactRunView } from '../../../../src/adapters/console/compact-run-view.ts';
import { renderEvent } from '../../../../src/adapters/console/render-event.ts';
import { fitWidth } from '../../../../src/adapters/console/fit-width.ts';
import { textColumns } from '../../../../src/adapters/console/text-columns.ts';
import type { EngineEvent } from '../../../../src/core/ports/events.ts';
import type { Gate } from '../../../../src/core/ports/gates.ts';

const HOSTILE = [
  '',
  'plain',
  '\u001b[31mred\u001b[0m\u0007',
  'x'.repeat(5000),
  'line\n'.repeat(300),
  '宽字符'.repeat(200),
  '进行现场资源检查，是否与知识库匹配 ',
  'ｆｕｌｌｗｉｄｔｈ　ｆｏｒｍｓ'.repeat(30),
  'e\u0301'.repeat(400),
  '👍🏽'.repeat(500),
  '\t\r\n',
];
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32;
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

const head = { site: 'xizang', runId: 'run_00000000000000aa' };
const gate = (requester: string): Gate => ({
  id: 'gate_1',
  site: 'xizang',
  runId: head.runId,
  stepId: 'r03',
  kind: 'approval',
  planHash: 'f6aa0021c9e4e5efd4464218b5dbc1ef',
  requester,
  choices: ['approve', 'reject'],
  policy: {
    approvers: ['UAPPROVER1'],
    approverGroups: [],
    approvalsNeeded: 1,
    requesterMayApprove: false,
    expiresAfterMs: 1,
  },
  openedAt: 0,
  expiresAt: 1,
  status: 'pending',
  approvals: [],
});

/** A step's events from start to end, with `hosts` hosts, some failing, and output tails. */
function stepEvents(r: () => number, id: string, failing: boolean): EngineEvent[] {
  const hosts = Array.from({ length: pick(r, [1, 3, 40]) }, (_, i) => `${pick(r, HOSTILE).slice(0, 80)}h${i}`);
  return [
    {
      ...head,
      at: 1000,
      type: 'step.started',
      stepId: id,
      title: pick(r, HOSTILE),
      attempt: 1,
      phase: 'forward',
      targets: hosts,
    },
    {
      ...head,
      at: 2000,
      type: 'step.output-summary',
      stepId: id,
      outputs: hosts.map((host, i) => ({
        host,
        exitCode: failing && i === 0 ? 1 : 0,
        tail: pick(r, HOSTILE),
        totalBytes: 9000,
      })),
    },
    {
      ...head,
      at: 4200,
      type: 'step.finished',
      stepId: id,
      status: failing ? 'failed' : 'succeeded',
      ...(failing ? { failedAt: 'verify' as const } : {}),
      hosts: hosts.map((host, i) => ({ host, exitCode: failing && i === 0 ? 1 : 0, durationMs: 3000 })),
      probes: hosts.map((host, i) => ({
        probe: pick(r, HOSTILE),
        host,
        ok: !(failing && i === 0),
        evidence: pick(r, HOSTILE),
      })),
      findings: [],
      summary: failing ? `1 of ${hosts.length} hosts failed at verify` : `${hosts.length} host(s) done`,
    },
  ];
}

describe('the compact run view in a terminal', () => {
  it('prints a succeeded step as one line with its hosts, duration and checks held', () => {
    const view = new CompactRunView();
    const lines = [
      {
        ...head,
        at: 0,
        type: 'step.started',
        stepId: 'r01',
        title: 'Stop keepalived',
        attempt: 1,
        phase: 'forward',
        targets: ['redis-a', 'redis-b'],
      },
      {
        ...head,
        at: 500,
        type: 'step.output-summary',
        stepId: 'r01',
        outputs: [{ host: 'redis-a', exitCode: 0, tail: 'stopped', totalBytes: 8 }],
      },
      {
        ...head,
        at: 3200,
        type: 'step.finished',
        stepId: 'r01',
        status: 'succeeded',
        hosts: [
          { host: 'redis-a', exitCode: 0, durationMs: 3000 },
          { host: 'redis-b', exitCode: 0, durationMs: 3100 },
        ],
        probes: ['redis-a', 'redis-b'].flatMap((host) => [
          { probe: 'keepalived stopped', host, ok: true, evidence: 'inactive' },
          { probe: '/app/soft/keepalived_bak is absent', host, ok: true, evidence: 'absent' },
        ]),
        findings: [],
        summary: '2 host(s) done',
      },
    ] satisfies EngineEvent[];
    expect(lines.flatMap((e) => view.render(e))).toEqual([
      '  ✔ r01 Stop keepalived · redis-a, redis-b · 3.2 s · 4 check(s) held',
    ]);
  });

  it('does not mark a step that ran but found something as all well (a precheck item that did not hold)', () => {
    const view = new CompactRunView();
    const finished = (stepId: string, findings: { status: 'pass' | 'fail' | 'warn'; title: string }[]) =>
      view.render({
        ...head,
        at: 2000,
        type: 'step.finished',
        stepId,
        status: 'succeeded',
        hosts: [{ host: 'paas-1', exitCode: 0, durationMs: 2000 }],
        probes: [],
        findings: findings.map((f) => ({ ...f, host: 'paas-1', evidence: 'seen' })),
        summary: '',
      });
    const [failed, ...under] = finished('p02', [
      { status: 'pass', title: 'yum repo' },
      { status: 'fail', title: 'platform is 3.1.6' },
    ]);
    expect(failed).toMatch(/^ {2}✘ p02 · paas-1 · 2\.0 s · 1 check\(s\) held, 1 did not$/);
    expect(under).toEqual(['      ✘ [fail] platform is 3.1.6 on paas-1: seen']);
    expect(finished('p03', [{ status: 'warn', title: 'disk' }])[0]).toMatch(/^ {2}⚠ p03 /);
    expect(finished('p04', [{ status: 'pass', title: 'ok' }])).toEqual(['  ✔ p04 · paas-1 · 2.0 s · 1 check(s) held']);
  });

  it('prints what failed under a failed step, with the failed host’s output tail', () => {
    const view = new CompactRunView();
    const r = rng(1);
    const events = stepEvents(r, 'r03', true);
    const out = events.flatMap((e) => view.render(e, { tailLines: 5 }));
    expect(out[0]).toMatch(/^ {2}✘ r03 .* · failed at verify · \d+ check\(s\) held, 1 did not$/);
    expect(out.some((l) => l.startsWith('      ✘ did not hold on '))).toBe(true);
    expect(out.some((l) => l.includes('the last') && l.includes('9000 byte(s) of output'))).toBe(true);
    expect(out.filter((l) => l.startsWith('      | ')).length).toBeLessThanOrEqual(5);
  });

  it('keeps every line within the terminal width and free of control characters, for any input', () => {
    const r = rng(7);
    for (const width of [40, 80, 132]) {
      const view = new CompactRunView();
      for (let i = 0; i < 30; i++) {
        const events: EngineEvent[] = [
          ...stepEvents(r, `s${i}`, r() < 0.5),
          {
            ...head,
            at: 0,
            type: 'gate.opened',
            gate: gate(pick(r, ['UOPERATOR', 'UAPPROVER1'])),
            context: {
              stepTitle: pick(r, HOSTILE),
              reason: pick(r, HOSTILE),
              targets: [{ host: pick(r, HOSTILE), commands: [pick(r, HOSTILE), pick(r, HOSTILE)] }],
            },
          },
        ];
        for (const e of events) {
          const lines = view.render(e, {
            width,
            gateNumber: () => i,
            viewer: pick(r, ['UOPERATOR', 'UAPPROVER1', 'UX']),
          });
          for (const l of lines) {
            // In terminal columns: a CJK or fullwidth character takes two, a combining accent none.
            expect(textColumns(l), l).toBeLessThanOrEqual(width);
            expect([...l].filter((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toEqual([]);
          }
          // However long its title and hosts, a succeeded step stays one line.
          if (e.type === 'step.finished' && e.status === 'succeeded') expect(lines).toHaveLength(1);
        }
      }
    }
  });

  it('wraps a gate command instead of cutting it, so it stays whole on screen', () => {
    const command = `mv /app/soft/${'x'.repeat(150)} /app/soft/keepalived_bak`;
    const lines = fitWidth([`    redis-a$ ${command}`], 60);
    expect(lines.every((l) => [...l].length <= 60)).toBe(true);
    expect(lines.map((l, i) => (i === 0 ? l : l.trimStart())).join('')).toBe(`    redis-a$ ${command}`);
  });

  it('wraps Chinese by the columns it takes: two per character, never past the edge', () => {
    const title = '进行现场资源检查，是否与知识库匹配'.repeat(4);
    const lines = fitWidth([`  ✔ p01 ${title}`], 40);
    expect(lines.map(textColumns).every((n) => n <= 40)).toBe(true);
    // Full lines: a 40-column line holds about 18 such characters after the indent, not 40.
    expect(lines.length).toBeGreaterThanOrEqual(Math.ceil(textColumns(title) / 40));
    expect(lines.map((l, i) => (i === 0 ? l : l.trimStart())).join('')).toBe(`  ✔ p01 ${title}`);
    expect(textColumns('进行 ok')).toBe(7);
    expect(textColumns('e\u0301')).toBe(1);
    expect(textColumns('✋ [manual]')).toBe(11);
  });

  it('keeps a step with hundreds of failures to a glance, pointing at /show for the rest', () => {
    const hosts = Array.from({ length: 100 }, (_, i) => `h${i}`);
    const view = new CompactRunView();
    view.render({
      ...head,
      at: 0,
      type: 'step.started',
      stepId: 'r04',
      title: 'Back up',
      attempt: 1,
      phase: 'forward',
      targets: hosts,
    });
    view.render({
      ...head,
      at: 1,
      type: 'step.output-summary',
      stepId: 'r04',
      outputs: hosts.map((host) => ({ host, exitCode: 1, tail: 'mv: cannot move\n'.repeat(40), totalBytes: 640 })),
    });
    const lines = view.render({
      ...head,
      at: 2,
      type: 'step.finished',
      stepId: 'r04',
      status: 'failed',
      failedAt: 'command',
      hosts: hosts.map((host) => ({ host, exitCode: 1, durationMs: 3 })),
      probes: hosts.map((host) => ({ probe: 'path-absent', host, ok: false, evidence: '/app/soft/redis_bak exists' })),
      findings: [],
      summary: '100 of 100 hosts failed',
    });
    expect(lines.length).toBeLessThan(120);
    expect(lines).toContain(`      … 170 more line(s): /show ${head.runId} r04`);
    expect(lines).toContain(`      … 95 more host(s)' output: /show ${head.runId} r04`);
  });

  it('prints the commands hosts share once, naming every host', () => {
    const script = `{ systemctl stop keepalived; } ${'&& true '.repeat(40)}`;
    const lines = new CompactRunView().render({
      ...head,
      at: 0,
      type: 'gate.opened',
      gate: gate('UOPERATOR'),
      context: {
        stepTitle: 'Stop keepalived',
        targets: [
          { host: 'redis-b', commands: [script] },
          { host: 'redis-a', commands: [script] },
          { host: 'redis-c', commands: ['true'] },
        ],
      },
    });
    expect(lines.filter((l) => l.includes('$ '))).toEqual([`    redis-b, redis-a$ ${script}`, '    redis-c$ true']);
  });

  it('names 200 hosts that share a command in one short line, folded into ranges', () => {
    const paas = Array.from({ length: 200 }, (_, i) => ({ host: `paas-${i + 1}`, commands: ['true'] }));
    const lines = new CompactRunView().render(
      {
        ...head,
        at: 0,
        type: 'gate.opened',
        gate: gate('UOPERATOR'),
        context: { stepTitle: 'Check', targets: [...paas, { host: 'redis-a', commands: ['true'] }] },
      },
      { width: 100 },
    );
    expect(lines.filter((l) => l.includes('$ '))).toEqual(['    paas-[1-200], redis-a$ true']);
  });

  it('cuts a very long gate command in the compact view, pointing at /show, which prints it whole', () => {
    const long = Array.from({ length: 400 }, (_, i) => `test -e /app/data/part-${i}`).join(' && ');
    const opened: EngineEvent = {
      ...head,
      at: 0,
      type: 'gate.opened',
      gate: gate('UOPERATOR'),
      context: { stepTitle: 'Check parts', targets: [{ host: 'redis-a', commands: [long] }] },
    };
    const compact = new CompactRunView().render(opened).filter((l) => l.includes('$ '));
    expect(compact).toHaveLength(1);
    expect(compact[0]).toContain(`more characters: /show ${head.runId} r03 prints the whole command)`);
    expect(compact[0]?.length).toBeLessThan(2200);
    expect(renderEvent(opened).filter((l) => l.includes('$ '))).toEqual([`    redis-a$ ${long}`]);
  });

  it('keeps the full view for /show and --verbose: every check that held', () => {
    const events = stepEvents(rng(3), 'r01', false);
    const full = events.flatMap((e) => renderEvent(e));
    const finished = events.at(-1);
    if (finished?.type !== 'step.finished') throw new Error('no finish');
    expect(full.filter((l) => l.startsWith('    ok ')).length).toBe(finished.probes.length);
  });
});

import { z } from 'zod';
import { shellQuote } from '../../core/shell-quote.ts';
import type { HostCommand } from '../../core/plan/step-schema.ts';
import { defineRunbook } from '../../core/ports/runbook.ts';

/**
 * A small runbook that acts on one lab host: it backs a directory up by moving it to `<dir>_bak` (the
 * upgrade runbooks' `mv` dance), with preconditions, a verification and a rollback. Every step appends its
 * id to `<base>/effects.log` first, so tests can count how often each one really ran. `holdSeconds` keeps
 * the move open for a while so that a test can kill the worker inside it; `checkSeconds` makes the move's
 * preconditions take that long (one more probe), so that a test can kill the worker before it sends anything.
 */
export const labMoveDir = defineRunbook({
  id: 'lab-move-dir',
  title: 'Move a directory to its _bak path (engine test runbook)',
  args: z.object({
    host: z.string().min(1).default('fdfs-3'),
    base: z
      .string()
      .regex(/^\/[A-Za-z0-9_./-]+$/, 'an absolute path of letters, digits and _./-')
      .default('/app/opsgate-test'),
    holdSeconds: z.number().int().min(0).max(120).default(0),
    checkSeconds: z.number().int().min(0).max(20).default(0),
  }),
  build(site, { host, base, holdSeconds, checkSeconds }) {
    const dir = `${base}/data`;
    const bak = `${base}/data_bak`;
    const targets = { kind: 'hosts' as const, hosts: [host] };
    const on = (command: string): HostCommand[] => [{ host, command }];
    const effect = (id: string) => `echo ${id} >> ${shellQuote(`${base}/effects.log`)}`;
    return {
      runbook: 'lab-move-dir',
      site: site.name,
      title: `Move ${dir} to ${bak} on ${host}`,
      args: { host, base, holdSeconds, ...(checkSeconds > 0 ? { checkSeconds } : {}) },
      steps: [
        {
          kind: 'check',
          id: 'inspect',
          title: `${dir} is there`,
          targets,
          commands: on(`ls -ld ${shellQuote(dir)}`),
        },
        {
          kind: 'action',
          id: 'record-start',
          title: 'Note the start in the effect log',
          targets,
          commands: on(effect('record-start')),
          irreversible: { reason: 'only appends a line to the effect log' },
        },
        {
          kind: 'action',
          id: 'move-dir',
          title: `Move ${dir} to ${bak}`,
          targets,
          destructive: true,
          gate: { prompt: `Move ${dir} aside to ${bak} on ${host}?` },
          preconditions: [
            { kind: 'path-exists', path: dir },
            { kind: 'path-absent', path: bak },
            { kind: 'free-disk', path: base, minBytes: 1024 },
            ...(checkSeconds > 0
              ? [
                  {
                    kind: 'output-matches' as const,
                    command: `sleep ${checkSeconds} && echo settled`,
                    pattern: '^settled$',
                  },
                ]
              : []),
          ],
          commands: on(`${effect('move-dir')} && sleep ${holdSeconds} && mv ${shellQuote(dir)} ${shellQuote(bak)}`),
          verify: [
            { kind: 'path-absent', path: dir },
            { kind: 'path-exists', path: bak },
          ],
          rollback: {
            steps: [
              {
                kind: 'action',
                id: 'restore-dir',
                title: `Move ${bak} back to ${dir}`,
                targets,
                destructive: true,
                preconditions: [
                  { kind: 'path-exists', path: bak },
                  { kind: 'path-absent', path: dir },
                ],
                commands: on(`${effect('restore-dir')} && mv ${shellQuote(bak)} ${shellQuote(dir)}`),
                verify: [
                  { kind: 'path-exists', path: dir },
                  { kind: 'path-absent', path: bak },
                ],
              },
            ],
          },
        },
        {
          kind: 'action',
          id: 'record-end',
          title: 'Note the end in the effect log',
          targets,
          commands: on(effect('record-end')),
          irreversible: { reason: 'only appends a line to the effect log' },
        },
      ],
    };
  },
});

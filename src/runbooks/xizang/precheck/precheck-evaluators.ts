import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { CheckStep } from '../../../core/plan/step-schema.ts';
import type { Evaluator, EvaluatorInput } from '../../../core/ports/runbook.ts';
import { redisAuthFindings } from './redis-auth-findings.ts';
import { exitOf, readSections, type Section } from '../shared/sections.ts';
import { ServiceCheckArgs, judgeService } from './service-verdict.ts';

/** Evaluators of precheck items 1 and 3 (item 2: versions-evaluator.ts, item 4: node-counts-evaluator.ts). Each turns the hosts' sections into pass / fail / warn / manual findings. */

/** Every section of every host, with its host. */
export function allSections(results: readonly EvaluatorInput[]): (Section & { host: string })[] {
  return results.flatMap((r) => readSections(r.stdout).map((s) => ({ ...s, host: r.target })));
}

/** The step's arguments, checked: a plan built by this family always has them. */
export function argsOf<T>(step: CheckStep, schema: z.ZodType<T>): T {
  return schema.parse(step.evaluatorArgs ?? {});
}

const brief = (lines: readonly string[]) => lines.join(' | ').slice(0, 300) || '(no output)';

export const accessEvaluator: Evaluator = (results, step) => {
  const out: Finding[] = [];
  for (const s of allSections(results)) {
    if (s.kind === 'ssh') {
      const ok = s.lines.some((l) => l.startsWith('login ok'));
      out.push({
        status: ok ? 'pass' : 'fail',
        title: 'SSH login with the site file credentials',
        evidence: brief(s.lines),
        host: s.host,
      });
    } else if (s.kind === 'redis') {
      const ok = s.lines.includes('PONG');
      out.push({
        status: ok ? 'pass' : 'fail',
        title: `Redis ${s.name}: the configured password is accepted`,
        evidence: ok
          ? 'PING answered PONG with the password of its redis.conf (the site file gives none)'
          : brief(s.lines),
        host: s.host,
      });
    } else if (s.kind === 'redis-auth') {
      out.push(...redisAuthFindings(s));
    }
  }
  out.push({
    status: 'manual',
    title: 'Business resources match the knowledge base',
    evidence: `A person confirms with the business the access addresses and server passwords of the business's own resources (${step.id}: the bot checked the site file's hosts only)`,
  });
  return out;
};

const CsbArgs = z.object({
  csbHosts: z.array(z.string()),
  sharedWith: z.array(z.array(z.string())),
  allowedPorts: z.array(z.number()),
  redis: z.array(z.object({ name: z.string(), hosts: z.array(z.string()), check: ServiceCheckArgs })),
});

/** `ss -ltnp`'s sockets (`LOCAL PROCESS`), or why its answer cannot be read (ss named, with exit code and output). */
function listeningOf(s: Section | undefined): { sockets: string[] } | { error: string } {
  if (s === undefined) return { error: 'ss -ltnp: the host printed nothing' };
  if (s.exitCode !== 0 || !/^State\s/.test(s.lines[0] ?? ''))
    return { error: `ss -ltnp (${exitOf(s)}): ${brief(s.lines)}` };
  return {
    sockets: s.lines
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .map((w) => `${w[3] ?? '?'} ${w.slice(5).join(' ')}`),
  };
}

export const csbRedisEvaluator: Evaluator = (results, step) => {
  const { csbHosts, sharedWith, allowedPorts, redis } = argsOf(step, CsbArgs);
  const title = 'The CSB gateway Redis is deployed on its own hosts';
  if (csbHosts.length === 0) {
    return [
      {
        status: 'fail',
        title,
        evidence:
          'the site file names no CSB gateway Redis: deploy one through ADM (master/replica + keepalived) on hosts of its own',
      },
    ];
  }
  const out: Finding[] = sharedWith.map(([host, other]) => ({
    status: 'fail' as const,
    title,
    evidence: `${host ?? ''} also runs ${other ?? ''} (site file)`,
    ...(host ? { host } : {}),
  }));
  const sections = allSections(results);
  for (const r of redis)
    for (const host of r.hosts) {
      const v = judgeService(
        r.check,
        sections.find((s) => s.kind === 'csb-redis' && s.name === `${r.name} ${host}`),
      );
      out.push({
        status: v.state === 'running' ? 'pass' : 'fail',
        title: `The CSB gateway Redis ${r.name} runs on ${host}`,
        evidence: v.state === 'running' ? v.evidence : `${v.state}: ${v.evidence}`,
        host,
      });
    }
  for (const host of csbHosts) {
    const l = listeningOf(sections.find((s) => s.kind === 'listening' && s.host === host));
    if ('error' in l) {
      out.push({
        status: 'fail',
        title: 'Nothing but Redis (and sshd) listens on the CSB Redis host',
        evidence: l.error,
        host,
      });
      continue;
    }
    const extra = l.sockets.filter((x) => {
      const local = x.split(' ')[0] ?? '';
      const port = Number(/:(\d+)$/.exec(local)?.[1] ?? '0');
      return !allowedPorts.includes(port) && !/^(127\.|\[::1\]|::1:)/.test(local);
    });
    out.push({
      status: extra.length === 0 ? 'pass' : 'warn',
      title: 'Nothing but Redis (and sshd) listens on the CSB Redis host',
      evidence: extra.length === 0 ? `listening: ${brief(l.sockets)}` : `also listening: ${brief(extra)}`,
      host,
    });
  }
  return out;
};

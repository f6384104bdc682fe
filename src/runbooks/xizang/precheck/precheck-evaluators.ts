import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { CheckStep } from '../../../core/plan/step-schema.ts';
import type { Evaluator, EvaluatorInput } from '../../../core/ports/runbook.ts';
import { redisAuthFindings } from './redis-auth-findings.ts';
import { readSections, valueOf, type Section } from '../shared/sections.ts';

/** Evaluators of precheck items 1-4. Each turns the hosts' sections into pass / fail / warn / manual findings. */

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

const VersionArgs = z.object({
  expected: z.record(
    z.string(),
    z.object({ version: z.string().nullable(), sha256: z.string().nullable(), path: z.string() }),
  ),
});

export const versionsEvaluator: Evaluator = (results, step) => {
  const { expected } = argsOf(step, VersionArgs);
  const out: Finding[] = [];
  for (const s of allSections(results)) {
    if (s.kind === 'artefact') {
      const want = expected[s.name];
      if (want === undefined) continue;
      const version = valueOf(s.lines, 'version');
      const sha = valueOf(s.lines, 'sha256');
      const okVersion = want.version === null || version === want.version;
      const okSha = want.sha256 === null || sha?.toLowerCase() === want.sha256.toLowerCase();
      const found =
        version === undefined
          ? `${want.path} is missing`
          : `${want.path}: version ${version}${sha ? `, sha256 ${sha.slice(0, 12)}…` : ''}`;
      const wanted = [want.version && `version ${want.version}`, want.sha256 && `sha256 ${want.sha256.slice(0, 12)}…`]
        .filter(Boolean)
        .join(', ');
      out.push({
        status: okVersion && okSha ? 'pass' : 'fail',
        title: `${s.name} is the expected release`,
        evidence: `${found}; expected ${wanted}`,
        host: s.host,
      });
    } else if (s.kind === 'jars') {
      const want = expected.platform?.version ?? null;
      const old = want === null ? [] : s.lines.filter((j) => !j.includes(`-${want}.jar`));
      out.push({
        status: s.lines.length > 0 && old.length === 0 ? 'pass' : 'fail',
        title: 'Platform jars are the expected release',
        evidence:
          s.lines.length === 0
            ? 'no jar found'
            : old.length === 0
              ? `${s.lines.length} jar(s), all ${want ?? ''}`
              : `not ${want ?? ''}: ${old.join(', ')}`,
        host: s.host,
      });
    }
  }
  return out;
};

const CsbArgs = z.object({
  csbHosts: z.array(z.string()),
  sharedWith: z.array(z.array(z.string())),
  allowedPorts: z.array(z.number()),
});

export const csbRedisEvaluator: Evaluator = (results, step) => {
  const { csbHosts, sharedWith, allowedPorts } = argsOf(step, CsbArgs);
  if (csbHosts.length === 0) {
    return [
      {
        status: 'fail',
        title: 'The CSB gateway Redis is deployed on its own hosts',
        evidence:
          'the site file names no CSB gateway Redis: deploy one through ADM (master/replica + keepalived) on hosts of its own',
      },
    ];
  }
  const out: Finding[] = sharedWith.map(([host, other]) => ({
    status: 'fail' as const,
    title: 'The CSB gateway Redis is deployed on its own hosts',
    evidence: `${host ?? ''} also runs ${other ?? ''} (site file)`,
    ...(host ? { host } : {}),
  }));
  for (const s of allSections(results)) {
    const extra = s.lines.filter((l) => {
      const port = Number(/:(\d+)\s/.exec(`${l} `)?.[1] ?? '0');
      return port !== 0 && !allowedPorts.includes(port) && !/^127\.|^\[::1\]/.test(l);
    });
    out.push({
      status: extra.length === 0 ? 'pass' : 'warn',
      title: 'Nothing but Redis (and sshd) listens on the CSB Redis host',
      evidence: extra.length === 0 ? `listening: ${brief(s.lines)}` : `also listening: ${brief(extra)}`,
      host: s.host,
    });
  }
  return out;
};

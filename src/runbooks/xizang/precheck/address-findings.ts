import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { Evaluator } from '../../../core/ports/runbook.ts';
import { allSections, argsOf } from './precheck-evaluators.ts';

/**
 * Items 10-11: connection settings and service addresses must be domain names. What the site file names on the
 * hosts (business config files, exported service lists) is scanned for IPv4 addresses; the configuration centre
 * and the CSB / ISP service management are outside the hosts, so the item also says, as a manual finding, what a
 * person looks for there: every middleware address and the domain name to use instead.
 */

export const AddressArgs = z.object({
  /** The site file's key the scanned locations come from (`paas.businessConfig`). */
  source: z.string(),
  /** Whether a location scanned clean passes (a file the business's applications read) or only informs. */
  cleanPasses: z.boolean(),
  /** Where a person looks beyond the hosts, and what to do there. */
  manual: z.object({ title: z.string(), where: z.string() }),
  /** Address → the domain names resolving to it (the site file's `dns.records`). */
  domains: z.record(z.string(), z.array(z.string())),
  /** Middleware addresses without a domain name yet. */
  undomained: z.array(z.string()),
});

const brief = (lines: readonly string[]) => lines.join(' | ').slice(0, 300) || '(no output)';

/** The findings of one scanned location on one host. */
function scanFindings(host: string, path: string, lines: readonly string[], title: string, source: string) {
  const out: Finding[] = [];
  const fail = (evidence: string) => out.push({ status: 'fail', title, evidence, host });
  if (lines[0] === 'missing') {
    fail(`${path} does not exist on ${host} (named by the site file's ${source})`);
    return { out, clean: false };
  }
  const files = Number(/^files=(\d+)$/.exec(lines[0] ?? '')?.[1] ?? 'NaN');
  const exit = lines.map((l) => /^grep-exit=(\d+)$/.exec(l)?.[1]).find((x) => x !== undefined);
  const hits = lines.filter((l) => /^[^:]+:\d+:/.test(l));
  if (Number.isNaN(files) || exit === undefined || (exit !== '0' && exit !== '1')) {
    fail(`grep over ${path} exited ${exit ?? 'without an exit code'}: ${brief(lines)}`);
    return { out, clean: false };
  }
  if (files === 0) fail(`${path} holds no file the site file's include patterns select`);
  for (const line of hits) {
    const m = /^([^:]+):(\d+):(.*)$/.exec(line);
    const text = m?.[3] ?? '';
    const key = (/^\s*([^=\s]+)\s*=/.exec(text) ?? /^\s*(\S+)/.exec(text))?.[1] ?? '';
    const ips = text.match(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g) ?? [];
    fail(`${m?.[1] ?? ''}:${m?.[2] ?? ''}: ${key} uses ${ips.join(', ')}`);
  }
  return { out, clean: files > 0 && hits.length === 0, files };
}

/** Items 10 and 11: each IP address by file and line (only its key and the addresses shown), then the manual part. */
export const addressesEvaluator: Evaluator = (results, step) => {
  const { source, cleanPasses, manual, domains, undomained } = argsOf(step, AddressArgs);
  const title = `${step.title.replace(/^\d+\.\s*/, '')}: an IP address instead of a domain name`;
  const out: Finding[] = [];
  const clean: string[] = [];
  for (const s of allSections(results).filter((x) => x.kind === 'scan')) {
    const r = scanFindings(s.host, s.name, s.lines, title, source);
    out.push(...r.out);
    if (r.clean) {
      clean.push(`${s.host}:${s.name} (${r.files ?? 0} file(s))`);
      if (cleanPasses)
        out.push({
          status: 'pass',
          title: step.title,
          evidence: `${r.files ?? 0} file(s) under ${s.name}, none uses an IP address`,
          host: s.host,
        });
    }
  }
  const replace = Object.entries(domains).map(([ip, names]) => `${ip} → ${names.join(' or ')}`);
  out.push({
    status: 'manual',
    title: manual.title,
    evidence: [
      `${manual.where}: no address may be one of these; use the domain name instead: ${replace.join('; ') || '(the site file has no dns.records)'}`,
      undomained.length > 0
        ? `no domain name yet (generate one in ADM and add it to DNS): ${undomained.join(', ')}`
        : '',
      !cleanPasses && clean.length > 0 ? `exported lists scanned without an IP address: ${clean.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('. '),
  });
  return out;
};

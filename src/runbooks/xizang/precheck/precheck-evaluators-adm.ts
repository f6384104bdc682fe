import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { Evaluator } from '../../../core/ports/runbook.ts';
import { allSections, argsOf } from './precheck-evaluators.ts';
import { readEvidence, type Evidence } from './component-evidence.ts';
import { describeOnHost, liveMode } from './describe-evidence.ts';
import { ServiceCheckArgs, judgeService } from './service-verdict.ts';

/** Evaluators of precheck items 5-9: what ADM's own records would say is for a person to read in PowerADM. */

const AdmArgs = z.object({
  components: z.array(
    z.object({
      middleware: z.string(),
      product: z.string(),
      admInstance: z.string(),
      mode: z.string(),
      hosts: z.array(z.string()),
      port: z.number(),
      home: z.string(),
      admHome: z.string().optional(),
    }),
  ),
  naming: z.string(),
  example: z.string(),
});
type AdmComponent = z.infer<typeof AdmArgs>['components'][number];

/** Per component (by index) and host: what the host printed about it, or undefined when it printed nothing. */
function evidenceOf(results: Parameters<Evaluator>[0]): (index: number, host: string) => Evidence | undefined {
  const map = new Map<string, Evidence>();
  for (const s of allSections(results)) if (s.kind === 'comp') map.set(`${s.name} ${s.host}`, readEvidence(s.lines, s));
  return (index, host) => map.get(`${index} ${host}`);
}

/** A failed finding for every host whose evidence could not be read (no answer, a tool failing). */
function unreadable(c: AdmComponent, at: (host: string) => Evidence | undefined): Finding[] {
  return c.hosts.flatMap((host): Finding[] => {
    const e = at(host);
    const why = e === undefined ? 'the host printed nothing about it' : e.errors.join('; ');
    return e !== undefined && e.errors.length === 0
      ? []
      : [{ status: 'fail', title: `${c.product} of ${c.middleware}: evidence read on ${host}`, evidence: why, host }];
  });
}

export const admDeployedEvaluator: Evaluator = (results, step) => {
  const { components } = argsOf(step, AdmArgs);
  const at = evidenceOf(results);
  return components.flatMap((c, i): Finding[] => [
    ...unreadable(c, (h) => at(i, h)),
    {
      status: 'manual',
      title: `${c.product} of ${c.middleware} deployed through ADM`,
      evidence: `In PowerADM, find ${c.product} on ${c.hosts.join(', ')} (planned instance ${c.admInstance}); ADM's records are not readable from the hosts. Found: ${c.hosts.map((h) => describeOnHost(h, c, at(i, h))).join(' || ')}`,
    },
  ]);
};

export const admNamesEvaluator: Evaluator = (_results, step) => {
  const { components, naming, example } = argsOf(step, AdmArgs);
  const rule = new RegExp(naming, 'u');
  const planned = [...new Set(components.map((c) => c.admInstance))].map((name): Finding => ({
    status: rule.test(name) ? 'pass' : 'fail',
    title: `Planned ADM instance name ${name} follows the rule`,
    evidence: rule.test(name) ? `matches /${naming}/` : `does not match /${naming}/ (e.g. ${example})`,
  }));
  return [
    ...planned,
    {
      status: 'manual',
      title: 'Instance names agreed with the site, and the names in PowerADM follow the rule',
      evidence: `A person confirms the names with the site before the ADM deployments (the seed: "通过现场给的名字部署实例名称") and checks in PowerADM that every existing instance name matches /${naming}/ (e.g. ${example})`,
    },
  ];
};

export const admInstancesEvaluator: Evaluator = (results, step) => {
  const { components } = argsOf(step, AdmArgs);
  const at = evidenceOf(results);
  const out: Finding[] = components.flatMap((c, i): Finding[] => [
    ...unreadable(c, (h) => at(i, h)),
    {
      status: 'manual',
      title: `${c.product} of ${c.middleware}: every node in one ADM instance, ${c.mode}`,
      evidence: `In PowerADM, ${c.hosts.join(', ')} must all be in ONE instance (planned ${c.admInstance}) in mode ${c.mode}. Live: ${c.hosts.map((h) => liveMode(h, c, at(i, h))).join('; ')}`,
    },
  ]);
  out.push({
    status: 'manual',
    title: 'Deployment modes match the knowledge base',
    evidence: 'A person compares the modes in the middleware resources document with the knowledge base',
  });
  return out;
};

const CentreArgs = z.object({
  inSiteFile: z.array(z.string()),
  checks: z.array(z.object({ name: z.string(), host: z.string(), check: ServiceCheckArgs })),
});

/**
 * Item 8: a component is there when it runs on one of the hosts asked (process, port, answer; see
 * `dnsComponentCheck`). A host of the site file's where it is down, or where a tool could not tell, fails too.
 */
export const centreAEvaluator: Evaluator = (results, step) => {
  const { inSiteFile, checks } = argsOf(step, CentreArgs);
  const sections = allSections(results).filter((s) => s.kind === 'component');
  const out: Finding[] = [];
  for (const name of ['bind', 'power-dns', 'power-api']) {
    const seen = checks
      .filter((c) => c.name === name)
      .map((c) => ({
        host: c.host,
        v: judgeService(
          c.check,
          sections.find((s) => s.name === `${name} ${c.host}` && s.host === c.host),
        ),
      }));
    const running = seen.filter((x) => x.v.state === 'running');
    const listed = inSiteFile.includes(name);
    const title = `Centre A has ${name}`;
    const where = (xs: typeof seen) => xs.map((x) => `${x.host}: ${x.v.evidence}`).join(' || ');
    if (running.length > 0) {
      out.push({ status: 'pass', title, evidence: `running on ${where(running)}` });
      for (const x of seen.filter((y) => y.v.state !== 'running' && (listed || y.v.state !== 'absent')))
        out.push({ status: 'fail', title, evidence: `${x.v.state} on ${x.host}: ${x.v.evidence}`, host: x.host });
    } else if (seen.every((x) => x.v.state === 'absent')) {
      out.push({
        status: 'fail',
        title,
        evidence: listed
          ? `${name} does not run where the site file puts it: ${where(seen)}`
          : `${name} is not deployed (not in the site file): ${where(seen)}; plan it before DR is built`,
      });
    } else {
      out.push({ status: 'fail', title, evidence: `${name} does not run as it should: ${where(seen)}` });
    }
  }
  return out;
};

const DnsArgs = z.object({ zone: z.string(), records: z.record(z.string(), z.string()) });

export const dnsRecordsEvaluator: Evaluator = (results, step) => {
  const { zone, records } = argsOf(step, DnsArgs);
  const out: Finding[] = [];
  for (const s of allSections(results).filter((x) => x.kind === 'dig')) {
    const answers = new Map(s.lines.map((l) => [l.split(' ')[0] ?? '', l.split(' ').slice(1).filter(Boolean)]));
    const diffs: string[] = [];
    for (const [name, want] of Object.entries(records)) {
      const fqdn = name.endsWith('.') ? name : `${name}.${zone}.`;
      const got = answers.get(fqdn) ?? [];
      if (!(got.length === 1 && got[0] === want))
        diffs.push(`${fqdn} → ${got.length === 0 ? 'no record' : got.join(' ')}, ADM generated ${want}`);
    }
    for (const d of diffs) out.push({ status: 'fail', title: 'DNS record matches ADM', evidence: d, host: s.host });
    if (diffs.length === 0)
      out.push({
        status: 'pass',
        title: 'DNS records match ADM',
        evidence: `${Object.keys(records).length} record(s) as ADM generated them`,
        host: s.host,
      });
  }
  return out;
};

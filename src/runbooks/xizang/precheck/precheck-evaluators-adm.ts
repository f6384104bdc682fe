import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { Evaluator } from '../../../core/ports/runbook.ts';
import { allSections, argsOf } from './precheck-evaluators.ts';

/** Evaluators of precheck items 5-11. */

const AdmArgs = z.object({
  components: z.array(
    z.object({
      middleware: z.string(),
      product: z.string(),
      admInstance: z.string(),
      admProduct: z.string(),
      hosts: z.array(z.string()),
    }),
  ),
  naming: z.string(),
  example: z.string(),
  markers: z.string(),
});

/** host → ADM instance names with their product, read from the markers. */
function markersByHost(results: Parameters<Evaluator>[0]): Map<string, { instance: string; product: string }[]> {
  const map = new Map<string, { instance: string; product: string }[]>();
  for (const s of allSections(results)) {
    if (s.kind !== 'markers') continue;
    map.set(
      s.host,
      s.lines.map((l) => ({ instance: l.split('\t')[0] ?? '', product: l.split('\t')[1] ?? '' })),
    );
  }
  return map;
}

export const admDeployedEvaluator: Evaluator = (results, step) => {
  const { components, markers } = argsOf(step, AdmArgs);
  const found = markersByHost(results);
  return components.map((c): Finding => {
    const names = c.hosts.map((h) => ({ h, m: (found.get(h) ?? []).find((x) => x.product === c.admProduct) }));
    const missing = names.filter((x) => x.m === undefined).map((x) => x.h);
    return {
      status: missing.length === 0 ? 'pass' : 'fail',
      title: `${c.product} of ${c.middleware} deployed through ADM`,
      evidence:
        missing.length === 0
          ? `ADM ${c.admProduct} instance ${[...new Set(names.map((x) => x.m?.instance))].join(', ')} on ${c.hosts.join(', ')}`
          : `no ADM ${c.admProduct} marker in ${markers} on ${missing.join(', ')}: redeploy through ADM (planned instance ${c.admInstance})`,
    };
  });
};

export const admNamesEvaluator: Evaluator = (results, step) => {
  const { components, naming, example } = argsOf(step, AdmArgs);
  const rule = new RegExp(naming, 'u');
  const planned = [...new Set(components.map((c) => c.admInstance))].map((name): Finding => ({
    status: rule.test(name) ? 'pass' : 'fail',
    title: `Planned ADM instance name ${name} follows the rule`,
    evidence: rule.test(name) ? `matches /${naming}/` : `does not match /${naming}/ (e.g. ${example})`,
  }));
  const live = [...markersByHost(results)].flatMap(([host, ms]) =>
    ms
      .filter((m) => !rule.test(m.instance))
      .map((m): Finding => ({
        status: 'fail',
        title: `ADM instance ${m.instance} follows the rule`,
        evidence: `on ${host}: does not match /${naming}/ (e.g. ${example})`,
        host,
      })),
  );
  return [
    ...planned,
    ...live,
    {
      status: 'manual',
      title: 'Instance names agreed with the site',
      evidence:
        'A person confirms the names with the site before the ADM deployments (the seed: "通过现场给的名字部署实例名称")',
    },
  ];
};

export const admInstancesEvaluator: Evaluator = (results, step) => {
  const { components } = argsOf(step, AdmArgs);
  const found = markersByHost(results);
  const out: Finding[] = [];
  for (const c of components) {
    const names = new Set(
      c.hosts.flatMap((h) => (found.get(h) ?? []).filter((m) => m.product === c.admProduct).map((m) => m.instance)),
    );
    const onlyOne = names.size === 1;
    out.push({
      status: onlyOne ? 'pass' : 'fail',
      title: `${c.product} of ${c.middleware} is in one ADM instance`,
      evidence:
        names.size === 0
          ? 'not in any ADM instance yet (see item 5): deploy all its nodes in one instance'
          : `ADM instance(s) on its hosts: ${[...names].join(', ')}`,
    });
  }
  out.push({
    status: 'manual',
    title: 'Deployment modes match the knowledge base',
    evidence: 'A person compares the modes in the middleware resources document with the knowledge base',
  });
  return out;
};

const CentreArgs = z.object({ inSiteFile: z.array(z.string()) });

export const centreAEvaluator: Evaluator = (results, step) => {
  const { inSiteFile } = argsOf(step, CentreArgs);
  const out: Finding[] = [];
  for (const name of ['bind', 'power-dns', 'power-api']) {
    const found = allSections(results).filter((s) => s.kind === 'component' && s.name.startsWith(`${name} `));
    const running = found.filter((s) => s.lines.includes('running'));
    const where = found.map((s) => `${s.host}: ${s.lines.join(' ') || 'no answer'}`).join(', ');
    const listed = inSiteFile.includes(name) ? '' : ' (not in the site file)';
    out.push({
      status: running.length > 0 ? 'pass' : 'fail',
      title: `Centre A has ${name}`,
      evidence:
        running.length > 0
          ? `running on ${running.map((s) => s.host).join(', ')}`
          : `${name} is not deployed${listed}: ${where}; plan it before DR is built`,
    });
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

/**
 * Items 10-11: every line holding an IP address, by file and line; the value shown is only its key and the addresses.
 */
export const addressesEvaluator: Evaluator = (results, step) => {
  const out: Finding[] = [];
  for (const s of allSections(results).filter((x) => x.kind === 'scan')) {
    for (const line of s.lines) {
      const m = /^([^:]+):(\d+):(.*)$/.exec(line);
      if (m === null) continue;
      const text = m[3] ?? '';
      const key = (/^\s*([^=\s]+)\s*=/.exec(text) ?? /^\s*(\S+)/.exec(text))?.[1] ?? '';
      const ips = text.match(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g) ?? [];
      out.push({
        status: 'fail',
        title: `${step.title.replace(/^\d+\.\s*/, '')}: an IP address instead of a domain name`,
        evidence: `${m[1] ?? ''}:${m[2] ?? ''}: ${key} uses ${ips.join(', ')}`,
        host: s.host,
      });
    }
    if (!out.some((f) => f.host === s.host))
      out.push({ status: 'pass', title: step.title, evidence: `no IP address in ${s.name}`, host: s.host });
  }
  return out;
};

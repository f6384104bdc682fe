import type { Finding } from '../../../core/plan/run-state.ts';
import { sh } from '../../../core/shell-quote.ts';
import type { Paas } from '../../../core/sites/paas-schema.ts';
import { hostsInGroup } from '../../../core/sites/resolve-targets.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import type { Evaluator } from '../../../core/ports/runbook.ts';
import type { CheckInput } from '../precheck/precheck-steps.ts';
import { allSections } from '../precheck/precheck-evaluators.ts';
import { section, sections } from '../shared/sections.ts';
import { hostTargets } from '../shared/xizang-site.ts';

/**
 * The platform applications' health after their restart (the seed: 启停；确保正常能执行): every application the
 * site file gives a `healthUrl` is asked for it over HTTP, with curl, on each host it runs on (so
 * `http://127.0.0.1:8080/health` is the application on that host). An application that has just been restarted
 * may take a while to listen: each URL is polled until it answers 2xx or `TRIES` attempts have failed.
 * Applications without a URL are checked by their service status only (the restart step's verification).
 */

const TRIES = 30;
const PAUSE_S = 2;
const CURL_TIMEOUT_S = 5;

/** Each host of the PaaS group with the applications it runs. */
export function appsByHost(spec: SiteFile, paas: Paas, hosts: readonly string[]): Map<string, Paas['applications']> {
  const byHost = new Map<string, Paas['applications']>(hosts.map((h) => [h, []]));
  for (const a of paas.applications) {
    const on = [...(a.hosts ?? []), ...(a.groups ?? []).flatMap((g) => hostsInGroup(spec, g).map((h) => h.name))];
    for (const h of new Set(on)) byHost.get(h)?.push(a);
  }
  return byHost;
}

/** Prints `HTTP <code>` once the URL answers 2xx, else `HTTP <code> after N tries` and curl's last error. */
export function pollHealth(url: string): string {
  const curl = sh`curl -s -o /dev/null -w '%{http_code}' --max-time ${CURL_TIMEOUT_S} ${url}`;
  return [
    `i=0; while :; do code=$(${curl}); case "$code" in 2??) echo "HTTP $code"; break;; esac`,
    `i=$((i+1)); if [ "$i" -ge ${TRIES} ]; then echo "HTTP \${code:-none} after ${TRIES} tries"; ${sh`curl -sS -o /dev/null --max-time ${CURL_TIMEOUT_S} ${url}`}; break; fi; sleep ${PAUSE_S}; done`,
  ].join('; ');
}

/** The check step after the restart; undefined when no application names a health URL. */
export function appHealthStep(id: string, apps: ReadonlyMap<string, Paas['applications']>): CheckInput | undefined {
  const commands = [...apps].flatMap(([host, list]) => {
    const parts = list.flatMap((a) =>
      a.healthUrl === undefined ? [] : [section('health', `${a.name} ${a.healthUrl}`, pollHealth(a.healthUrl))],
    );
    return parts.length === 0
      ? []
      : [{ host, command: sections(parts), timeoutMs: (TRIES * (CURL_TIMEOUT_S + PAUSE_S) + 60) * 1000 }];
  });
  if (commands.length === 0) return undefined;
  const names = [
    ...new Set(
      [...apps.values()]
        .flat()
        .filter((a) => a.healthUrl !== undefined)
        .map((a) => a.name),
    ),
  ];
  return {
    kind: 'check',
    id,
    title: `The platform applications answer their health URLs (${names.join(', ')})`,
    targets: hostTargets(commands.map((c) => c.host)),
    commands,
    evaluator: 'upgrade-paas.health',
  };
}

/** One finding per application and host: pass on `HTTP 2xx`, fail with what curl got. */
export const appHealthEvaluator: Evaluator = (results) =>
  allSections(results)
    .filter((s) => s.kind === 'health')
    .map((s): Finding => {
      const [app = '', url = ''] = s.name.split(' ');
      const ok = s.lines.some((l) => /^HTTP 2\d\d$/.test(l));
      return {
        status: ok ? 'pass' : 'fail',
        title: `${app} answers ${url}`,
        evidence: s.lines.join(' | ').slice(0, 300) || '(no output)',
        host: s.host,
      };
    });

import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { Evaluator } from '../../../core/ports/runbook.ts';
import { ADM_GUARD, readEvidence, type Evidence } from './component-evidence.ts';
import { allSections, argsOf } from './precheck-evaluators.ts';

/** One row of 《业务的中间件资源情况》: a component on one host. */
export interface ResourceRow {
  readonly middleware: string;
  readonly product: string;
  readonly admInstance: string;
  readonly mode: string;
  readonly host: string;
  readonly address: string;
  readonly port: number;
  readonly home: string;
  readonly version: string;
  readonly process: string;
  readonly role: string;
  readonly clients: string;
  readonly memory: string;
  readonly disk: string;
  /** Where the credential is kept (`env XIZANG_REDIS_PASSWORD`), never its value. */
  readonly credential: string;
}

const HEADERS = [
  'middleware',
  'product',
  'ADM instance',
  'mode',
  'host',
  'address',
  'port',
  'home',
  'version',
  'process',
  'role',
  'clients / connections',
  'memory',
  'disk (data path: used / free / size)',
  'credential kept in',
] as const;

function cells(r: ResourceRow): string[] {
  return [
    r.middleware,
    r.product,
    r.admInstance,
    r.mode,
    r.host,
    r.address,
    String(r.port),
    r.home,
    r.version,
    r.process,
    r.role,
    r.clients,
    r.memory,
    r.disk,
    r.credential,
  ];
}

/** `123456` kB → `120.6 MiB`. */
export function kib(kb: string | undefined): string {
  const n = Number(kb);
  if (kb === undefined || kb === '' || !Number.isFinite(n)) return kb === undefined || kb === '' ? '?' : kb;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u] ?? ''}`;
}

/** The usage columns of one row, from the evidence read on the host. */
function usage(
  e: Evidence | undefined,
): Pick<ResourceRow, 'version' | 'process' | 'role' | 'clients' | 'memory' | 'disk'> {
  if (e === undefined)
    return { version: 'not reached', process: 'not reached', role: '', clients: '', memory: '', disk: '' };
  const guard =
    e.guard === undefined
      ? `no ${ADM_GUARD}`
      : e.guard.split(' ')[0] === e.ppid
        ? `${ADM_GUARD} is its parent`
        : `${ADM_GUARD} runs, not its parent`;
  const clients = [e.clients && `${e.clients} clients`, e.connections && `${e.connections} connections`].filter(
    Boolean,
  );
  const memory = [
    e.rssKb && `RSS ${kib(e.rssKb)}`,
    e.usedMemory && `used_memory ${e.usedMemory}`,
    e.memAvailKb && `host ${kib(e.memAvailKb)} available of ${kib(e.memTotalKb)}`,
  ].filter(Boolean);
  const disk = e.data.map((d) =>
    d.missing ? `${d.path}: missing` : `${d.path}: ${kib(d.usedKb)} used / ${kib(d.freeKb)} free / ${kib(d.sizeKb)}`,
  );
  return {
    version: e.version ?? 'unknown',
    process:
      e.pid === undefined
        ? `nothing listening${e.errors.length > 0 ? ` (${e.errors.join('; ')})` : ''}`
        : `pid ${e.pid}, parent ${e.ppid ?? '?'}; ${guard}`,
    role: e.role ?? '',
    clients: clients.join(', '),
    memory: memory.join('; '),
    disk: disk.join('; '),
  };
}

/** RFC 4180 CSV with a header row; a cell starting with = + - @ is prefixed with `'` so no spreadsheet runs it. */
export function resourcesCsv(rows: readonly ResourceRow[]): string {
  const cell = (v: string) => {
    const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
    return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return [[...HEADERS], ...rows.map(cells)].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Where each credential of the site file is kept: `path: env X` (references only). */
export interface CredentialPlace {
  readonly path: string;
  readonly kept: string;
}

/** A Markdown table, pipes and newlines in values escaped, then where the credentials are kept. */
export function resourcesMarkdown(
  site: string,
  rows: readonly ResourceRow[],
  login: string,
  credentials: readonly CredentialPlace[],
): string {
  const cell = (v: string) => v.replaceAll('|', '\\|').replace(/\s+/g, ' ');
  return [
    `# 业务的中间件资源情况 — middleware resources of site ${site}`,
    '',
    'For the business to confirm that this is what is installed and used. Versions, processes, clients, memory and disk were read from the running software and the hosts; credentials are listed by where they are kept, never by value.',
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => ' --- |').join('')}`,
    ...rows.map((r) => `| ${cells(r).map(cell).join(' | ')} |`),
    '',
    '## Where the credentials are kept',
    '',
    `Server logins: user \`${cell(login)}\` on every host.`,
    '',
    ...credentials.map((c) => `- \`${cell(c.path)}\`: ${cell(c.kept)}`),
    '',
  ].join('\n');
}

const Args = z.object({
  site: z.string(),
  login: z.string(),
  components: z.array(
    z.object({
      middleware: z.string(),
      product: z.string(),
      admInstance: z.string(),
      mode: z.string(),
      hosts: z.array(z.string()),
      addresses: z.array(z.string()),
      port: z.number(),
      home: z.string(),
      credential: z.string(),
    }),
  ),
  credentials: z.array(z.object({ path: z.string(), kept: z.string() })),
});

/** The precheck's resources document: what each host reported merged with the site file's inventory. */
export const resourcesEvaluator: Evaluator = (results, step) => {
  const { site, login, components, credentials } = argsOf(step, Args);
  const evidence = new Map(
    allSections(results)
      .filter((s) => s.kind === 'comp')
      .map((s) => [`${s.host} ${s.name}`, readEvidence(s.lines, s)]),
  );
  const rows: ResourceRow[] = components.flatMap((c, i) =>
    c.hosts.map((host, j) => ({
      middleware: c.middleware,
      product: c.product,
      admInstance: c.admInstance,
      mode: c.mode,
      host,
      address: c.addresses[j] ?? '',
      port: c.port,
      home: c.home,
      credential: c.credential,
      ...usage(evidence.get(`${host} ${i}`)),
    })),
  );
  const summary = `${rows.length} component(s) on ${new Set(rows.map((r) => r.host)).size} host(s); send both files to the business to confirm`;
  const md = resourcesMarkdown(site, rows, login, credentials);
  const findings: Finding[] = [
    {
      status: 'manual',
      title: 'Middleware resources document (Markdown) confirmed by the business',
      evidence: summary,
      attachment: { name: `middleware-resources-${site}.md`, mimeType: 'text/markdown', text: md },
    },
    {
      status: 'manual',
      title: 'Middleware resources document (CSV) confirmed by the business',
      evidence: summary,
      attachment: { name: `middleware-resources-${site}.csv`, mimeType: 'text/csv', text: resourcesCsv(rows) },
    },
  ];
  return findings;
};

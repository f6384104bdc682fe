import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { Evaluator } from '../../../core/ports/runbook.ts';
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
] as const;

function cells(r: ResourceRow): string[] {
  return [r.middleware, r.product, r.admInstance, r.mode, r.host, r.address, String(r.port), r.home, r.version];
}

/** RFC 4180 CSV with a header row; a cell starting with = + - @ is prefixed with `'` so no spreadsheet runs it. */
export function resourcesCsv(rows: readonly ResourceRow[]): string {
  const cell = (v: string) => {
    const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
    return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return [[...HEADERS], ...rows.map(cells)].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** A Markdown table, pipes and newlines in values escaped. */
export function resourcesMarkdown(site: string, rows: readonly ResourceRow[]): string {
  const cell = (v: string) => v.replaceAll('|', '\\|').replace(/\s+/g, ' ');
  return [
    `# 业务的中间件资源情况 — middleware resources of site ${site}`,
    '',
    'For the business to confirm that this is what is installed and used. Credentials are not listed here: they stay in the site file.',
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => ' --- |').join('')}`,
    ...rows.map((r) => `| ${cells(r).map(cell).join(' | ')} |`),
    '',
  ].join('\n');
}

const Args = z.object({
  site: z.string(),
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
    }),
  ),
});

/** The precheck's resources document: live versions per host merged with the site file's inventory. */
export const resourcesEvaluator: Evaluator = (results, step) => {
  const { site, components } = argsOf(step, Args);
  const versions = new Map(
    allSections(results)
      .filter((s) => s.kind === 'version')
      .map((s) => [`${s.host} ${s.name}`, s.lines[0] ?? 'unknown']),
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
      version: versions.get(`${host} ${i}`) ?? 'not reached',
    })),
  );
  const evidence = `${rows.length} component(s) on ${new Set(rows.map((r) => r.host)).size} host(s); send both files to the business to confirm`;
  const findings: Finding[] = [
    {
      status: 'manual',
      title: 'Middleware resources document (Markdown) confirmed by the business',
      evidence,
      attachment: {
        name: `middleware-resources-${site}.md`,
        mimeType: 'text/markdown',
        text: resourcesMarkdown(site, rows),
      },
    },
    {
      status: 'manual',
      title: 'Middleware resources document (CSV) confirmed by the business',
      evidence,
      attachment: { name: `middleware-resources-${site}.csv`, mimeType: 'text/csv', text: resourcesCsv(rows) },
    },
  ];
  return findings;
};

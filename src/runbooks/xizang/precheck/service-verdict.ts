import { z } from 'zod';
import { exitOf, type Section } from '../shared/sections.ts';

/** Reads back what `readService` (service-reading.ts) printed, and judges whether the service runs. */

/** A `ServiceCheck` without its commands, as it travels in `evaluatorArgs`. */
export const ServiceCheckArgs = z.object({
  name: z.string(),
  process: z.string(),
  port: z.number().optional(),
  answer: z.object({ tool: z.string(), pattern: z.string() }).optional(),
  http: z.boolean().optional(),
});
export type ServiceCheckArg = z.infer<typeof ServiceCheckArgs>;

interface Answer {
  readonly at: string | undefined;
  readonly lines: string[];
  exit?: number;
}

/** The lines of one reading. */
interface Reading {
  readonly unknown: string[];
  pids: string[] | undefined;
  port: 'listening' | 'closed' | undefined;
  readonly listen: string[];
  readonly answers: Answer[];
}

function read(lines: readonly string[]): Reading {
  const r: Reading = { unknown: [], pids: undefined, port: undefined, listen: [], answers: [] };
  for (const line of lines) {
    const [, key = '', value = ''] = /^([a-z-]+(?: \d+)?): ?(.*)$/.exec(line) ?? [];
    const last = r.answers.at(-1);
    if (key === 'unknown') r.unknown.push(value);
    else if (key === 'process') r.pids = value === 'none' ? [] : value.trim().split(/\s+/).filter(Boolean);
    else if (/^port \d+$/.test(key)) r.port = value === 'listening' ? 'listening' : 'closed';
    else if (key === 'listen') r.listen.push(value);
    else if (key === 'answer-at') r.answers.push({ at: value, lines: [] });
    else if (key === 'answer') {
      if (last === undefined || last.exit !== undefined) r.answers.push({ at: undefined, lines: [value] });
      else last.lines.push(value);
    } else if (key === 'answer-exit' && last !== undefined) last.exit = Number(value);
  }
  return r;
}

/** What a judged service is: running (every sign), absent (no process, nothing on its port), down, unknown. */
export type ServiceState = 'running' | 'absent' | 'down' | 'unknown';

/** A service's state and the evidence in words. */
export interface ServiceVerdict {
  readonly state: ServiceState;
  readonly evidence: string;
}

const text = (lines: readonly string[]) =>
  lines
    .filter((l) => l.trim() !== '')
    .join(' | ')
    .slice(0, 200) || '(no output)';

/** `TOOL (exit N): OUTPUT`: a tool that failed or answered otherwise, named. */
function failed(tool: string, a: Answer): string {
  return `${tool}${a.at === undefined ? '' : ` on ${a.at}`} (exit ${a.exit ?? '?'}): ${text(a.lines)}`;
}

/** Whether the answers hold a good one: exit 0 and the pattern matched; else why not, each tool named. */
function judgeAnswers(c: ServiceCheckArg, r: Reading): { ok: boolean; fact: string } | undefined {
  const q = c.answer ?? (c.http === true ? { tool: 'HTTP HEAD /', pattern: '^HTTP/1\\.[01] \\d{3}' } : undefined);
  if (q === undefined) return undefined;
  const pattern = new RegExp(q.pattern, 'm');
  for (const a of r.answers) {
    const all = a.lines.join('\n');
    const m = a.exit === 0 ? pattern.exec(all) : null;
    // The line where the match starts: PONG, an HTTP status line, dig's header line.
    const line = m === null ? undefined : all.slice(all.lastIndexOf('\n', m.index - 1) + 1).split('\n')[0];
    if (line !== undefined)
      return { ok: true, fact: `${q.tool}${a.at === undefined ? '' : ` on ${a.at}`} answered ${line.slice(0, 120)}` };
  }
  if (r.answers.length === 0)
    return {
      ok: false,
      fact:
        c.http === true
          ? `no address to ask ${q.tool}: its process listens on no TCP port${c.port === undefined ? '' : ` ${c.port}`}`
          : `${q.tool} printed nothing`,
    };
  return { ok: false, fact: `${r.answers.map((a) => failed(q.tool, a)).join('; ')}, not /${q.pattern}/` };
}

/**
 * Judges one service's section: running needs a process, its port listening (when the check names one) and its
 * answer (when it asks one); a tool that failed, answered nothing or answered otherwise is named with its exit
 * code and output, and never counts as running.
 */
export function judgeService(c: ServiceCheckArg, s: Section | undefined): ServiceVerdict {
  if (s === undefined) return { state: 'unknown', evidence: `${c.name}: the host printed nothing about it` };
  const r = read(s.lines);
  if (s.exitCode === undefined || r.pids === undefined || r.unknown.length > 0) {
    const why = [...r.unknown, ...(s.exitCode === undefined ? [`the check was cut short (${exitOf(s)})`] : [])];
    if (r.pids === undefined) why.push(`no process line in: ${text(s.lines)}`);
    return { state: 'unknown', evidence: `${c.name}: cannot tell: ${why.join('; ')}` };
  }
  const facts = [r.pids.length > 0 ? `pid ${r.pids.join(', ')} runs ${c.process}` : `no process runs ${c.process}`];
  if (r.listen.length > 0) facts.push(`it listens on ${r.listen.join(', ')}`);
  if (c.port !== undefined) facts.push(`port ${c.port} ${r.port ?? 'not read'}`);
  // HTTP is asked on the process's own addresses: without a process there is nothing to ask.
  const answer = r.pids.length === 0 && c.http === true ? undefined : judgeAnswers(c, r);
  if (answer !== undefined) facts.push(answer.fact);
  const evidence = `${c.name}: ${facts.join('; ')}`;
  if (r.pids.length === 0) return { state: r.port === 'listening' ? 'down' : 'absent', evidence };
  const portOk = c.port === undefined || r.port === 'listening';
  return { state: portOk && answer?.ok !== false ? 'running' : 'down', evidence };
}

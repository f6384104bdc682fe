import type { Finding } from '../../../core/plan/run-state.ts';
import { exitOf, type Section } from '../shared/sections.ts';
import type { KafkaToolForm } from './kafka-version.ts';

/** One partition of a consumer group as `kafka-consumer-groups.sh --describe` prints it. */
export interface LagRow {
  readonly group: string;
  readonly topic: string;
  readonly partition: string;
  /** The LAG column: digits, or `-` when Kafka does not know it (no committed offset, no log end offset). */
  readonly lag: string;
}

const COLUMNS = ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'];
const NUMBER_OR_DASH = {
  PARTITION: /^\d+$/,
  'CURRENT-OFFSET': /^(\d+|-)$/,
  'LOG-END-OFFSET': /^(\d+|-)$/,
  LAG: /^(-?\d+|-)$/,
};
/** A Java throwable on stderr (an uncaught exception, or the trace of an `Error:` line). */
const THROWABLE = /^(Exception in thread |[\w$]+(\.[\w$]+)+(Exception|Error)(: |$))/;
const STDERR = 'stderr: ';

type Parsed = { ok: true; rows: LagRow[]; quiet: string[] } | { ok: false; why: string };

const brief = (lines: readonly string[]) => lines.join(' | ').slice(0, 400) || '(no output)';

/**
 * Reads a `--describe` answer: stdout tables (a header, then rows cut at the header's column starts, as
 * ConsumerGroupCommand pads every column to its widest value), stderr lines prefixed `stderr: `. An `Error:` line,
 * a Java exception, or any line that is neither a header nor a row fits no known format and fails.
 */
export function parseDescribe(lines: readonly string[], groupColumn: boolean, group?: string): Parsed {
  const header = groupColumn ? ['GROUP', ...COLUMNS] : COLUMNS;
  const rows: LagRow[] = [];
  const quiet: string[] = [];
  let starts: number[] | undefined;
  for (const line of lines) {
    if (line.startsWith(STDERR)) {
      const text = line.slice(STDERR.length);
      if (THROWABLE.test(text)) return { ok: false, why: `an exception: ${text}` };
      const none = /^Consumer group '(.*)' has no active members\.$/.exec(text);
      if (none !== null) quiet.push(none[1] ?? '');
      continue;
    }
    if (/^Error: /.test(line)) return { ok: false, why: line };
    if (line.trim().split(/\s+/).join(' ') === header.join(' ')) {
      let from = 0;
      starts = header.map((h) => (from = line.indexOf(h, from)));
      continue;
    }
    const cells = starts === undefined ? undefined : cut(line, starts);
    if (cells === undefined) return { ok: false, why: `a line in no known format: ${line.trim()}` };
    const at = (name: string) => cells[header.indexOf(name)] ?? '';
    for (const [name, re] of Object.entries(NUMBER_OR_DASH))
      if (!re.test(at(name))) return { ok: false, why: `${name} is not a number: ${line.trim()}` };
    rows.push({
      group: groupColumn ? at('GROUP') : (group ?? ''),
      topic: at('TOPIC'),
      partition: at('PARTITION'),
      lag: at('LAG'),
    });
  }
  return { ok: true, rows, quiet };
}

/** The cells of a row cut at the header's column starts; undefined when a cell does not end where the next begins. */
function cut(line: string, starts: readonly number[]): string[] | undefined {
  const cells: string[] = [];
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i] ?? 0;
    const to = starts[i + 1];
    if (to !== undefined && line.length > to && line[to - 1] !== ' ') return undefined;
    const cell = line.slice(from, to).trim();
    if (cell === '') return undefined;
    cells.push(cell);
  }
  return cells;
}

/** The tool's answer in words for evidence: what ran, how it ended, what it printed. */
function answered(what: string, s: Section | undefined): string {
  return s === undefined ? `${what} did not run (no output)` : `${what} ended with ${exitOf(s)}: ${brief(s.lines)}`;
}

const TITLE = 'No consumer group has lag (no message left in Kafka)';

/**
 * The lag finding from the `groups` section (`--list`) and the describe sections of `form`. Fails when a tool
 * failed (non-zero exit, `Error:` on stdout with exit 0, an exception), answered nothing where groups were listed,
 * answered in no known format, left a listed group undescribed, or when any partition has lag or unknown lag.
 * Zero groups listed is a pass: the cluster has no consumer group, so none waits for messages.
 */
export function lagFinding(sections: readonly Section[], form: KafkaToolForm, host: string): Finding {
  const fail = (evidence: string): Finding => ({ status: 'fail', title: TITLE, evidence, host });
  const list = sections.find((s) => s.kind === 'groups');
  const tool = 'kafka-consumer-groups.sh';
  const failed = (l: string) => /^Error: /.test(l) || THROWABLE.test(l.startsWith(STDERR) ? l.slice(STDERR.length) : l);
  if (list === undefined || list.exitCode !== 0 || list.lines.some(failed))
    return fail(answered(`${tool} --list`, list));
  const groups = list.lines.filter((l) => !l.startsWith(STDERR));
  const rows: LagRow[] = [];
  const described = new Set<string>();
  const describes =
    form.groups === 'all-groups'
      ? sections.filter((s) => s.kind === 'describe-all').map((s) => ({ s, group: undefined }))
      : groups.map((g) => ({ s: sections.find((x) => x.kind === 'describe-group' && x.name === g), group: g }));
  if (groups.length > 0 && describes.length === 0) return fail(answered(`${tool} --describe --all-groups`, undefined));
  for (const { s, group } of describes) {
    const what = `${tool} --describe ${group === undefined ? '--all-groups' : `--group ${group}`}`;
    if (s === undefined || s.exitCode !== 0) return fail(answered(what, s));
    const p = parseDescribe(s.lines, form.groupColumn, group);
    if (!p.ok) return fail(`${what} ended with ${exitOf(s)} and printed ${p.why}`);
    rows.push(...p.rows);
    for (const g of [...p.rows.map((r) => r.group), ...p.quiet]) described.add(g);
  }
  const missing = groups.filter((g) => !described.has(g));
  if (missing.length > 0)
    return fail(
      `${tool} listed ${missing.join(', ')} but --describe answered nothing for ${missing.length > 1 ? 'them' : 'it'}`,
    );
  if (groups.length === 0 && rows.length === 0)
    return {
      status: 'pass',
      title: TITLE,
      host,
      evidence: `no consumer groups: ${tool} --list answered none (exit 0)`,
    };
  const unknown = rows.filter((r) => r.lag === '-');
  const lagging = rows.filter((r) => r.lag !== '-' && Number(r.lag) > 0);
  const where = (r: LagRow) => `${r.group} ${r.topic}/${r.partition}`;
  if (lagging.length > 0 || unknown.length > 0)
    return fail(
      [
        lagging.length > 0 ? `lag left: ${lagging.map((r) => `${where(r)} lag ${r.lag}`).join(', ')}` : '',
        unknown.length > 0 ? `lag unknown (no committed offset): ${unknown.map(where).join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ') + '; wait until consumers catch up',
    );
  return {
    status: 'pass',
    title: TITLE,
    host,
    evidence: `${groups.length} consumer group(s) (${groups.join(', ')}), ${rows.length} partition(s), all with lag 0`,
  };
}

import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { Evaluator } from '../../../core/ports/runbook.ts';
import { valueOf } from '../shared/sections.ts';
import { allSections, argsOf } from './precheck-evaluators.ts';

/** Item 2 (and the PaaS phase's before/after): each artefact judged on what its reader printed. */

const Expected = z.object({
  from: z.enum(['file', 'jars', 'repomd']).default('file'),
  version: z.string().nullable(),
  sha256: z.string().nullable(),
  path: z.string(),
});
type Expected = z.infer<typeof Expected>;
const VersionArgs = z.object({ expected: z.record(z.string(), Expected) });

const brief = (lines: readonly string[]) => lines.join(' | ').slice(0, 300) || '(no output)';

type Judged = { ok: boolean; evidence: string; found?: boolean };

/** `from: file`: the version line, the sha256 and the date of the file. */
function judgeFile(want: Expected, lines: readonly string[]): Judged {
  if (lines[0] === 'MISSING') return { ok: false, evidence: `${want.path} is missing` };
  const version = valueOf(lines, 'version');
  const sha = valueOf(lines, 'sha256');
  const date = valueOf(lines, 'date');
  if (version === undefined || sha === undefined)
    return { ok: false, evidence: `reading ${want.path} answered in an unknown format: ${brief(lines)}` };
  const okVersion = want.version === null || version === want.version;
  const okSha = want.sha256 === null || sha.toLowerCase() === want.sha256.toLowerCase();
  const wanted = [want.version && `version ${want.version}`, want.sha256 && `sha256 ${want.sha256.slice(0, 12)}…`]
    .filter(Boolean)
    .join(', ');
  const found = [
    want.version !== null && `version ${version}`,
    want.sha256 === null ? `sha256 ${sha}` : `sha256 ${sha.slice(0, 12)}…`,
    date && `dated ${date}`,
  ].filter(Boolean);
  return {
    ok: okVersion && okSha,
    found: true,
    evidence: `${want.path}: ${found.join(', ')}${wanted ? `; expected ${wanted}` : ''}`,
  };
}

/** `from: jars`: every jar's manifest Implementation-Version. */
function judgeJars(want: Expected, lines: readonly string[]): Judged {
  if (lines[0] === 'MISSING') return { ok: false, evidence: `${want.path} is missing` };
  const errors = lines.filter((l) => l.startsWith('error: '));
  const jars = lines.flatMap((l) => {
    const m = /^jar=([^\t]*)\t(.*)$/.exec(l);
    return m === null ? [] : [{ name: m[1] ?? '', version: m[2] ?? '' }];
  });
  if (errors.length > 0) return { ok: false, evidence: `reading the jars of ${want.path}: ${brief(errors)}` };
  if (jars.length === 0) return { ok: false, evidence: `no jar in ${want.path}: ${brief(lines)}` };
  if (want.version === null)
    return {
      ok: false,
      found: true,
      evidence: `${want.path}: ${jars.map((j) => `${j.name} ${j.version || 'no Implementation-Version'}`).join(', ')}`,
    };
  const other = jars.filter((j) => j.version !== want.version);
  const show = (j: { name: string; version: string }) =>
    `${j.name} (${j.version.startsWith('error: ') ? j.version : `Implementation-Version ${j.version || 'none'}`})`;
  return other.length === 0
    ? {
        ok: true,
        evidence: `${jars.length} jar(s) in ${want.path}, every manifest says Implementation-Version ${want.version ?? ''}`,
      }
    : { ok: false, evidence: `not ${want.version ?? ''} in ${want.path}: ${other.map(show).join(', ')}` };
}

/** `from: repomd`: createrepo's `<revision>`. */
function judgeRepo(want: Expected, lines: readonly string[]): Judged {
  if (lines[0] === 'MISSING') return { ok: false, evidence: `${want.path}/repodata/repomd.xml is missing` };
  const revision = valueOf(lines, 'revision');
  if (revision === undefined || revision === '')
    return { ok: false, evidence: `${want.path}/repodata/repomd.xml has no <revision>: ${brief(lines)}` };
  const when = /^\d{9,11}$/.test(revision) ? ` (${new Date(Number(revision) * 1000).toISOString().slice(0, 10)})` : '';
  const wantWhen =
    want.version !== null && /^\d{9,11}$/.test(want.version)
      ? ` (${new Date(Number(want.version) * 1000).toISOString().slice(0, 10)})`
      : '';
  return {
    ok: revision === want.version,
    found: true,
    evidence: `${want.path}: repomd.xml revision ${revision}${when}${want.version === null ? '' : `; expected ${want.version}${wantWhen}`}`,
  };
}

export const versionsEvaluator: Evaluator = (results, step) => {
  const { expected } = argsOf(step, VersionArgs);
  const out: Finding[] = [];
  for (const s of allSections(results)) {
    if (s.kind !== 'artefact') continue;
    const want = expected[s.name];
    if (want === undefined) continue;
    const judged =
      want.from === 'jars'
        ? judgeJars(want, s.lines)
        : want.from === 'repomd'
          ? judgeRepo(want, s.lines)
          : judgeFile(want, s.lines);
    // Nothing to compare with (the site file gives no version or checksum yet): a person compares what was found.
    const unknown = want.version === null && want.sha256 === null && judged.found === true;
    out.push({
      status: unknown ? 'manual' : judged.ok ? 'pass' : 'fail',
      title: unknown ? `${s.name}: compare with the latest release` : `${s.name} is the expected release`,
      evidence: judged.evidence,
      host: s.host,
    });
  }
  return out;
};

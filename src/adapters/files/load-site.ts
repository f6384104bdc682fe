import { readFile as fsReadFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import type { Env } from '../../core/sites/secret-ref.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { checkSiteReferences } from '../../core/sites/check-site-references.ts';
import { checkSiteRules } from '../../core/sites/check-site-rules.ts';
import { findSecretRefs } from '../../core/sites/find-secret-refs.ts';
import { resolveSecret, type ReadText } from './resolve-secret.ts';
import { formatDocPath, type DocPath, type PathIssue, type SiteProblem } from '../../core/sites/site-problem.ts';
import { SiteSchema, type SiteFile } from '../../core/sites/site-schema.ts';
import { yamlLineOf } from './yaml-line-of.ts';

export interface LoadSiteDeps {
  /** Environment for `{ env: VAR }` secret references. */
  readonly env: Env;
  readonly readFile?: ReadText;
  /** Check that every secret reference resolves (default true); off to check only the file itself. */
  readonly checkSecrets?: boolean;
}

/** A valid site file. Secrets stay references: resolve them with `resolveSecret(ref, { env, baseDir })`. */
export interface LoadedSite {
  /** The path the site was loaded from, as given. */
  readonly file: string;
  /** Absolute directory of the file, the base of relative `{ file }` references. */
  readonly baseDir: string;
  readonly site: SiteFile;
  /** The line of a node of the file (e.g. `['middleware', 'redis', 0]`), for problems found later. */
  readonly lineOf: (path: DocPath) => number;
}

/**
 * Reads, parses and validates one site file, returning every problem at once, each with its line: YAML syntax,
 * the schema, references between parts, and (unless turned off) secrets that do not resolve.
 */
export async function loadSite(file: string, deps: LoadSiteDeps): Promise<Result<LoadedSite, SiteProblem[]>> {
  let text: string;
  try {
    text = await (deps.readFile ?? ((p: string) => fsReadFile(p, 'utf8')))(file);
  } catch (e) {
    return err([
      {
        file,
        line: undefined,
        path: '',
        message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      },
    ]);
  }
  const baseDir = dirname(resolve(file));
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return err(
      doc.errors.map((e) => ({
        file,
        line: counter.linePos(e.pos[0]).line,
        path: '',
        message: `YAML syntax: ${e.message.split('\n')[0] ?? ''}`,
      })),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // yaml's toJS throws a ReferenceError for an alias it cannot resolve and for aliases that would expand past
    // maxAliasCount ("billion laughs"); neither is in doc.errors.
    if (!(e instanceof ReferenceError)) throw e;
    return err([aliasProblem(file, doc, counter, e)]);
  }
  const issues: PathIssue[] = [];
  const parsed = SiteSchema.safeParse(raw, { error: describeIssue });
  if (raw === null || raw === undefined) issues.push({ path: [], message: 'the file is empty' });
  else if (!parsed.success) issues.push(...parsed.error.issues.flatMap(toPathIssues));
  issues.push(...checkSiteReferences(raw), ...checkSiteRules(raw));
  if (deps.checkSecrets ?? true) {
    for (const { path, ref } of findSecretRefs(raw)) {
      const resolved = await resolveSecret(ref, {
        env: deps.env,
        baseDir,
        ...(deps.readFile ? { readFile: deps.readFile } : {}),
      });
      if (!resolved.ok) issues.push({ path, message: resolved.error.message });
    }
  }
  if (issues.length > 0 || !parsed.success) {
    const problems = issues.map((i) => ({
      file,
      line: yamlLineOf(doc, counter, i.path),
      path: formatDocPath(i.path),
      message: i.message,
    }));
    return err(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  }
  return ok({ file, baseDir, site: parsed.data, lineOf: (path) => yamlLineOf(doc, counter, path) });
}

/**
 * How many nodes aliases may bring in, in all (yaml's `maxAliasCount`: each use of an anchor counts the aliases
 * inside it too). A site file that repeats a block through an anchor a few dozen times stays far below; nested
 * aliases that multiply ("billion laughs") pass it at once and are refused before anything walks the document.
 */
const MAX_ALIAS_COUNT = 1000;

const ALIAS_BOMB =
  `YAML aliases: they would expand to more than ${MAX_ALIAS_COUNT} nodes (nested aliases that multiply, ` +
  'a "billion laughs"); write the repeated parts out or use fewer aliases';

/** The problem of an alias `toJS` refused, at the line of the alias it is about. */
function aliasProblem(file: string, doc: Document, counter: LineCounter, e: ReferenceError): SiteProblem {
  const unresolved = e.message.startsWith('Unresolved alias');
  let at: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (unresolved && node.resolve(doc) !== undefined) return undefined;
      at = node.range?.[0];
      return visit.BREAK;
    },
  });
  return {
    file,
    line: at === undefined ? undefined : counter.linePos(at).line,
    path: '',
    message: unresolved ? 'YAML: an alias (*name) whose anchor (&name) is not set before it' : ALIAS_BOMB,
  };
}

/** zod issues in our words; an unknown key becomes one issue per key, at the key. */
function toPathIssues(issue: z.core.$ZodIssue): PathIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((k) => ({ path: [...path, k], message: 'unknown key' }));
  // The key's own schema says what is wrong with it (e.g. "not a DNS record name").
  if (issue.code === 'invalid_key') return [{ path, message: issue.issues[0]?.message ?? issue.message }];
  const options = issue.code === 'invalid_union' ? (issue as { options?: unknown }).options : undefined;
  if (Array.isArray(options)) return [{ path, message: `expected one of: ${options.join(', ')}` }];
  return [{ path, message: issue.message }];
}

/** Per-parse messages: short, and never quoting the input (it may be a secret in the wrong place). */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'required';
  return `expected ${issue.expected}, got ${kindOf(issue.input)}`;
}

function kindOf(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return `a ${typeof v}`;
}

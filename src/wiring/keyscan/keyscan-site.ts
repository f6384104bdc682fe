import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { LoadedSite } from '../../adapters/files/load-site.ts';
import { secretFilePath } from '../../adapters/files/resolve-secret.ts';
import type { Env } from '../../core/sites/secret-ref.ts';
import { knownHostsLine, removeHostLines } from '../../runners/ssh/edit-known-hosts.ts';
import { KnownHostsSyntaxError, parseKnownHosts, type KnownHostEntry } from '../../runners/ssh/known-hosts.ts';
import { sshHostsFromSite } from '../ssh-hosts-from-site.ts';
import { scanSiteKeys, type HostKeyScan } from './scan-site-keys.ts';

/** Exit codes: 0 written or nothing to write, 1 refused or not confirmed, 2 a host or the file cannot be read. */
export const KEYSCAN_EXIT = { ok: 0, refused: 1, unreachable: 2 } as const;

/** What `keyscanSite` needs from the command line and the terminal. */
export interface KeyscanDeps {
  readonly env: Env;
  readonly out: (line: string) => void;
  /** Asks a yes/no question; false when nobody can answer (no terminal). */
  readonly confirm: (question: string) => Promise<boolean>;
  /** `--yes`: answer every question with yes. */
  readonly yes: boolean;
  /** `--replace HOST`: the hosts whose changed key may be replaced. */
  readonly replace: readonly string[];
}

/**
 * `opsgate sites keyscan <site>`: reads each host's key through the site's own SSH path (its jump host when it has
 * one), prints name, address and fingerprint per host, and writes the known_hosts file the site file names once
 * the person confirms. A changed key is refused with both fingerprints unless `--replace` names the host; an
 * unreachable host, or any refusal, writes nothing at all.
 */
export async function keyscanSite(loaded: LoadedSite, deps: KeyscanDeps): Promise<number> {
  const site = loaded.site;
  const ref = site.ssh.knownHosts;
  const path = 'file' in ref ? secretFilePath(ref.file, loaded.baseDir) : undefined;
  const text = await currentText(ref, path, deps.env);
  let pinned: KnownHostEntry[];
  try {
    pinned = parseKnownHosts(text, path ?? `env ${'env' in ref ? ref.env : ''}`);
  } catch (e) {
    deps.out(`cannot read the pinned keys: ${e instanceof KnownHostsSyntaxError ? e.message : String(e)}`);
    return KEYSCAN_EXIT.unreachable;
  }
  const { hosts } = await sshHostsFromSite(site, { env: deps.env, baseDir: loaded.baseDir }, pinned);
  const known = new Set([...hosts.map((h) => h.name), ...hosts.flatMap((h) => (h.jump ? [h.jump.name] : []))]);
  const unknown = deps.replace.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    deps.out(`--replace names no host of site ${site.id}: ${unknown.join(', ')}`);
    return KEYSCAN_EXIT.refused;
  }
  const replace = new Set(deps.replace);
  const scans = await scanSiteKeys(hosts, pinned, {
    replace,
    trustJump: (j) =>
      deps.yes
        ? Promise.resolve(true)
        : deps.confirm(
            `The jump host ${j.name} (${j.address}) is not pinned; it presents ${fp(j)}. Log in to it to reach the hosts behind it?`,
          ),
  });
  for (const s of scans) deps.out(describe(s, replace));
  return decide(scans, { site: site.id, path, text, replace, deps });
}

async function decide(
  scans: readonly HostKeyScan[],
  c: { site: string; path: string | undefined; text: string; replace: ReadonlySet<string>; deps: KeyscanDeps },
): Promise<number> {
  const { deps } = c;
  const down = scans.filter((s) => s.status.kind === 'unreachable');
  const changed = scans.filter((s) => s.status.kind === 'changed');
  const refused = changed.filter((s) => !c.replace.has(s.name));
  const notChanged = [...c.replace].filter((n) => !changed.some((s) => s.name === n));
  if (refused.length > 0) {
    for (const s of refused)
      deps.out(
        `REFUSED: ${s.name} (${s.address}) presents ${fp(s)}, but ${pinnedOf(s)} is pinned. This may be a man in the ` +
          `middle. If the host was reinstalled, check its key on its console, then run again with --replace ${s.name}.`,
      );
  }
  if (notChanged.length > 0)
    deps.out(`--replace: the key of ${notChanged.join(', ')} has not changed; nothing to replace`);
  if (down.length > 0) {
    deps.out(`${down.length} host(s) could not be scanned; nothing written: ${down.map((s) => s.name).join(', ')}`);
    return KEYSCAN_EXIT.unreachable;
  }
  if (refused.length > 0 || notChanged.length > 0) {
    deps.out('nothing written');
    return KEYSCAN_EXIT.refused;
  }
  const fresh = scans.filter((s) => s.status.kind === 'new' || s.status.kind === 'changed');
  if (fresh.length === 0) {
    deps.out(`all ${scans.length} host keys are pinned already; nothing to write`);
    return KEYSCAN_EXIT.ok;
  }
  const next = nextText(c.text, fresh, c.path ?? 'known_hosts', c.site);
  if (typeof next !== 'string') {
    deps.out(next.problem);
    return KEYSCAN_EXIT.refused;
  }
  if (c.path === undefined) {
    deps.out('the site file takes its known_hosts from an environment variable; set it to:');
    deps.out(next);
    return KEYSCAN_EXIT.ok;
  }
  const what = `${fresh.filter((s) => s.status.kind === 'new').length} new and ${changed.length} replaced key(s)`;
  if (!deps.yes && !(await deps.confirm(`Write ${what} to ${c.path}?`))) {
    deps.out('not confirmed; nothing written (give --yes to write without asking)');
    return KEYSCAN_EXIT.refused;
  }
  await writeAtomically(c.path, next);
  deps.out(`wrote ${what} to ${c.path}`);
  return KEYSCAN_EXIT.ok;
}

/** The file's new text: the old one without the replaced hosts' lines, plus one line per new or replaced key. */
function nextText(
  text: string,
  fresh: readonly HostKeyScan[],
  source: string,
  site: string,
): string | { problem: string } {
  let kept = text;
  for (const s of fresh.filter((f) => f.status.kind === 'changed')) {
    const r = removeHostLines(kept, s.names, source);
    if (r.shared.length > 0)
      return {
        problem: `${s.name}'s old key is pinned by a line shared with other hosts (${r.shared.map((l) => l.origin).join(', ')}); edit it by hand; nothing written`,
      };
    kept = r.text;
  }
  const lines = fresh.flatMap((s) =>
    s.status.kind === 'unreachable' ? [] : [knownHostsLine(s.names, s.status.key.keyType, s.status.key.key)],
  );
  const head = kept === '' || kept.endsWith('\n') ? kept : `${kept}\n`;
  return `${head}# sites keyscan ${site}, ${new Date().toISOString()}\n${lines.join('\n')}\n`;
}

async function currentText(
  ref: { env: string } | { file: string },
  path: string | undefined,
  env: Env,
): Promise<string> {
  if (path === undefined) return 'env' in ref ? (env[ref.env] ?? '') : '';
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    // The first scan of a site: the file does not exist yet.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/** Writes a sibling temporary file, then renames it over `path`: a reader sees the old file or the new one. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { mode: 0o644, flush: true });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

function describe(s: HostKeyScan, replace: ReadonlySet<string>): string {
  const via = s.via === undefined ? '' : ` via ${s.via}`;
  const at = `${s.name}  ${s.address}${via}`;
  const st = s.status;
  if (st.kind === 'unreachable') return `${at}  unreachable: ${st.cause}`;
  const key = `${st.key.keyType} ${st.key.fingerprint}`;
  if (st.kind === 'pinned') return `${at}  ${key}  pinned`;
  if (st.kind === 'new') return `${at}  ${key}  new`;
  return `${at}  ${key}  CHANGED (pinned: ${st.pinned.join(' or ')})${replace.has(s.name) ? ', to be replaced' : ''}`;
}

const fp = (s: HostKeyScan): string => (s.status.kind === 'unreachable' ? '(no key)' : s.status.key.fingerprint);
const pinnedOf = (s: HostKeyScan): string => (s.status.kind === 'changed' ? s.status.pinned.join(' or ') : '');

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { loadSite } from '../../adapters/files/load-site.ts';
import { parseHostsList } from '../../core/sites/parse-hosts-list.ts';
import { formatSiteProblem } from '../../core/sites/site-problem.ts';
import { PERSON_ONLY_FIELDS } from '../../runbooks/xizang/discover/discovered-site.ts';
import { parseKnownHosts } from '../../runners/ssh/known-hosts.ts';
import { readEnv } from '../config.ts';
import { discoverSite } from './discover-site.ts';
import { renderDraftSite } from './render-draft-site.ts';

/** Exit codes: 0 every host read and the draft written, 1 bad input (nothing written), 2 a host not read (draft written). */
export const DISCOVER_EXIT = { ok: 0, refused: 1, unread: 2 } as const;

/** The options of `opsgate sites discover`. */
export interface DiscoverOptions {
  readonly hosts: string;
  readonly out: string;
  readonly user: string;
  readonly key?: string;
  readonly passwordEnv?: string;
  readonly jump?: string;
  /** The login is not root: every host is read as root through sudo. */
  readonly become: boolean;
  readonly becomePasswordEnv?: string;
  readonly knownHosts?: string;
  readonly site?: string;
  readonly force: boolean;
}

const fileExists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * `opsgate sites discover`: checks the hosts list and the options first (any problem: exit 1, nothing written, each
 * naming its line), logs in to every host read-only, drafts the site file, checks the draft with the site-file
 * loader, and writes it atomically (a sibling temporary file renamed over `--out`; an existing `--out` only with
 * `--force`). Hosts that could not be read are printed with the reason and named in the draft: exit 2.
 */
export async function runDiscover(opts: DiscoverOptions, out: (line: string) => void): Promise<number> {
  const started = Date.now();
  const fail = (message: string): number => {
    out(`opsgate sites discover: ${message}`);
    return DISCOVER_EXIT.refused;
  };
  const env = readEnv();
  const listText = await readFile(opts.hosts, 'utf8').catch(() => undefined);
  if (listText === undefined) return fail(`cannot read the hosts list ${opts.hosts}`);
  const list = parseHostsList(listText);
  if (!list.ok) {
    for (const p of list.error) out(`${opts.hosts}:${p.line}: ${p.message}`);
    return fail(`the hosts list has ${list.error.length} problem(s); nothing written`);
  }
  const site = opts.site ?? basename(opts.out).replace(/\.ya?ml$/, '');
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(site)) return fail(`${JSON.stringify(site)} is not a site id: give --site ID`);
  if (!opts.force && (await fileExists(opts.out))) return fail(`${opts.out} exists: give --force to replace it`);
  if (opts.knownHosts === undefined)
    return fail('give --known-hosts FILE: host keys are never trusted blindly (`opsgate sites keyscan` pins them)');
  const knownText = await readFile(opts.knownHosts, 'utf8').catch(() => undefined);
  if (knownText === undefined) return fail(`cannot read the known_hosts file ${opts.knownHosts}`);
  let knownHosts;
  try {
    knownHosts = parseKnownHosts(knownText, opts.knownHosts);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  const key = opts.key === undefined ? undefined : await readFile(opts.key, 'utf8').catch(() => null);
  if (key === null) return fail(`cannot read the private key ${opts.key ?? ''}`);
  const password = opts.passwordEnv === undefined ? undefined : env[opts.passwordEnv];
  if (opts.passwordEnv !== undefined && (password === undefined || password === ''))
    return fail(`--password-env ${opts.passwordEnv}: that environment variable is not set`);
  if (key === undefined && password === undefined) return fail('give --key FILE or --password-env VAR');
  if (opts.becomePasswordEnv !== undefined && !opts.become) return fail('--become-password-env goes with --become');
  const becomePassword = opts.becomePasswordEnv === undefined ? undefined : env[opts.becomePasswordEnv];
  if (opts.becomePasswordEnv !== undefined && (becomePassword === undefined || becomePassword === ''))
    return fail(`--become-password-env ${opts.becomePasswordEnv}: that environment variable is not set`);

  const found = await discoverSite(list.value, {
    user: opts.user,
    ...(key === undefined ? {} : { privateKey: key }),
    ...(password === undefined ? {} : { password }),
    knownHosts,
    ...(opts.jump === undefined ? {} : { jump: opts.jump }),
    ...(opts.become
      ? { become: { method: 'sudo', ...(becomePassword === undefined ? {} : { password: becomePassword }) } }
      : {}),
  });
  const listedJump = list.value.find((h) => h.name === opts.jump || h.address === opts.jump);
  const cred = {
    ...(opts.key === undefined ? {} : { privateKey: { file: resolve(opts.key) } }),
    ...(opts.passwordEnv === undefined ? {} : { password: { env: opts.passwordEnv } }),
  };
  const ssh = {
    user: opts.user,
    ...cred,
    knownHosts: { file: resolve(opts.knownHosts) },
    ...(opts.jump === undefined
      ? {}
      : { jump: listedJump ? { host: listedJump.name } : { address: opts.jump, user: opts.user, ...cred } }),
    ...(opts.become
      ? {
          become: {
            method: 'sudo',
            ...(opts.becomePasswordEnv === undefined ? {} : { password: { env: opts.becomePasswordEnv } }),
          },
        }
      : {}),
  };
  const secrets = found.redisSecrets.map((e) => ({ env: e, what: 'the requirepass of that Redis' }));
  if (opts.becomePasswordEnv !== undefined)
    secrets.unshift({ env: opts.becomePasswordEnv, what: `the sudo password of ${opts.user}` });
  if (opts.passwordEnv !== undefined)
    secrets.unshift({ env: opts.passwordEnv, what: `the SSH password of ${opts.user}` });
  const text = renderDraftSite({ id: site, ssh, ...found, secrets });

  // Written beside --out, checked as a site file there (its relative references resolve alike), then renamed.
  const target = resolve(opts.out);
  const tmpDir = join(dirname(target), `.discover-${randomBytes(6).toString('hex')}`);
  await mkdir(tmpDir, { recursive: true });
  try {
    const tmp = join(tmpDir, basename(target));
    await writeFile(tmp, text, { mode: 0o644, flush: true });
    const loaded = await loadSite(tmp, { env, checkSecrets: false });
    if (!loaded.ok) {
      for (const p of loaded.error) out(formatSiteProblem(p));
      return fail('the draft is not a valid site file (a bug of discover); nothing written');
    }
    await rename(tmp, target);
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
  for (const u of found.unread) out(`cannot read host ${u.host}: ${u.cause}`);
  for (const n of found.notes) out(`note: ${n}`);
  for (const s of secrets) out(`secret: set ${s.env} to ${s.what}`);
  out(`person-only fields (TODO in the draft): ${PERSON_ONLY_FIELDS.join(', ')}; slack, adm, policy, paas`);
  const m = found.middleware as Record<string, unknown[]>;
  const count = Object.values(m).reduce((n, l) => n + l.length, 0);
  out(
    `sites discover ${site}: wrote ${opts.out}; ${list.value.length - found.unread.length} of ${list.value.length} ` +
      `host(s) read, ${count} middleware instance(s), ${found.observers.length} observer(s) in ` +
      `${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
  return found.unread.length > 0 ? DISCOVER_EXIT.unread : DISCOVER_EXIT.ok;
}

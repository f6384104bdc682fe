import { raw, sh, type ShellFragment } from '../../../core/shell-quote.ts';
import { liveDigestCommand } from './data-digest.ts';

/**
 * redis-cli with the password read on the host, at run time, from the instance's own redis.conf into
 * `REDISCLI_AUTH`: the password never travels in a command line (argv, `ps`), in the plan, in chat or in the
 * audit trail, and it is never printed (no `-a`, no `CONFIG GET`).
 */
export function redisCli(
  opts: { readonly home: string; readonly config: string; readonly port: number },
  args: readonly string[],
): string {
  return sh`REDISCLI_AUTH="$(${readRequirepass(opts.config)})" ${`${opts.home}/bin/redis-cli`} -h 127.0.0.1 -p ${opts.port} ${args}`;
}

/**
 * An awk program printing the value of one redis.conf directive the way Redis 5.0.5 reads its config
 * (`loadServerConfigFromString` in src/config.c): blank and `#` lines skipped, the directive name matched without
 * case (`sdstolower(argv[0])`), `include FILE` read in place where it stands, the last occurrence winning, and a
 * value in double or single quotes unquoted (`sdssplitargs`). Prints nothing when the directive is not set. A file that includes itself, directly or not, is
 * read once (Redis would recurse until it fails).
 */
const REDIS_CONF_AWK = [
  'function u(v) { return v ~ /^(".*"|\\047.*\\047)$/ ? substr(v, 2, length(v) - 2) : v }',
  'function rd(f, d,  l, k) { if (d > 8 || f in busy) return; busy[f] = 1;',
  'while ((getline l < f) > 0) { sub(/^[ \\t]+/, "", l); sub(/[ \\t\\r]+$/, "", l); if (l == "" || l ~ /^#/) continue;',
  'k = l; sub(/[ \\t].*/, "", k); l = substr(l, length(k) + 1); sub(/^[ \\t]+/, "", l); k = tolower(k);',
  'if (k == "include") rd(u(l), d + 1); else if (k == want) { val = u(l); n = 1 } } close(f); delete busy[f] }',
  'BEGIN { rd(conf, 0); if (n) print val }',
].join(' ');

/**
 * The awk program behind `readDirective`, for a shell that learns the config's path at run time (`sites discover`
 * finds it on the host): run it as `awk -v want=DIRECTIVE -v conf="$conf" PROGRAM`.
 */
export const REDIS_CONF_PROGRAM: string = REDIS_CONF_AWK;

/** Prints the `requirepass` of a redis.conf as Redis reads it; prints nothing when there is none. */
export function readRequirepass(config: string): ShellFragment {
  return raw(sh`awk -v want=requirepass -v conf=${config} ${REDIS_CONF_AWK}`);
}

/** Prints the value of a redis.conf directive (e.g. `dir`, `dbfilename`) as Redis reads it. */
export function readDirective(config: string, name: 'dir' | 'dbfilename' | 'appendonly' | 'port'): string {
  return sh`awk -v want=${name} -v conf=${config} ${REDIS_CONF_AWK}`;
}

/**
 * Prints `keys=N volatile=V digest=HEX` for the instance's data set, streamed (SCAN in batches, one key per read;
 * see data-digest.ts), and copies the line to `out`. Work files go to a private directory under `workDir`.
 */
export function fingerprintCommand(opts: {
  readonly home: string;
  readonly config: string;
  readonly port: number;
  readonly workDir: string;
  readonly out: string;
}): string {
  return liveDigestCommand({
    cli: `${opts.home}/bin/redis-cli`,
    port: opts.port,
    password: readRequirepass(opts.config),
    workDir: opts.workDir,
    out: opts.out,
  });
}

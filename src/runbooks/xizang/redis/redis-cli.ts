import { raw, sh, type ShellFragment } from '../../../core/shell-quote.ts';

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

/** Prints the last `requirepass` value of a redis.conf (quotes removed); prints nothing when there is none. */
export function readRequirepass(config: string): ShellFragment {
  return raw(sh`sed -n 's/^[[:space:]]*requirepass[[:space:]][[:space:]]*//p' ${config} | tail -n 1 | tr -d '"'`);
}

/** Prints the value of a redis.conf directive (e.g. `dir`, `dbfilename`), quotes removed. */
export function readDirective(config: string, name: 'dir' | 'dbfilename'): string {
  return sh`sed -n ${`s/^[[:space:]]*${name}[[:space:]][[:space:]]*//p`} ${config} | tail -n 1 | tr -d '"'`;
}

/**
 * A Lua script that fingerprints the whole data set: the key count and a SHA-1 chained over every key (sorted)
 * with its type and its value (hash fields, set members sorted), so that equal data gives equal fingerprints
 * whatever the RDB version or the key order.
 */
export const FINGERPRINT_LUA = [
  "local keys = redis.call('KEYS', '*')",
  'table.sort(keys)',
  "local h = ''",
  'for _, k in ipairs(keys) do',
  "  local t = redis.call('TYPE', k)['ok']",
  "  local v = ''",
  "  if t == 'string' then v = redis.call('GET', k)",
  "  elseif t == 'hash' then local a = redis.call('HGETALL', k); local p = {}; for i = 1, #a, 2 do p[#p + 1] = a[i] .. '=' .. a[i + 1] end; table.sort(p); v = table.concat(p, ',')",
  "  elseif t == 'list' then v = table.concat(redis.call('LRANGE', k, 0, -1), ',')",
  "  elseif t == 'set' then local m = redis.call('SMEMBERS', k); table.sort(m); v = table.concat(m, ',')",
  "  elseif t == 'zset' then v = table.concat(redis.call('ZRANGE', k, 0, -1, 'WITHSCORES'), ',')",
  '  end',
  "  h = redis.sha1hex(h .. '|' .. k .. '|' .. t .. '|' .. v)",
  'end',
  "return 'keys=' .. #keys .. ' digest=' .. h",
].join(' ');

/** Prints `keys=N digest=HEX` for the instance's data set. */
export function fingerprintCommand(opts: {
  readonly home: string;
  readonly config: string;
  readonly port: number;
}): string {
  return redisCli(opts, ['EVAL', FINGERPRINT_LUA, '0']);
}

import { raw, sh } from '../../../core/shell-quote.ts';
import { readDirective, redisCli } from './redis-cli.ts';
import type { RedisLayout } from './upgrade-redis-steps.ts';

/** Seconds the AOF rewrite of a big data set may take. */
const REWRITE_SECONDS = 3600;

/**
 * The start of the new master that makes it load the restored dump whatever its config says. With
 * `appendonly yes`, Redis 5.0.5 loads the AOF and never looks at dump.rdb (`loadDataFromDisk` in src/server.c:
 * `if (server.aof_state == AOF_ON) loadAppendOnlyFile(...) else rdbLoad(...)`), so the new instance would start
 * with the empty AOF ADM's first start left, and its next save would overwrite the restored dump. So, before the
 * home comes back (vesta could start it at once): the config as ADM wrote it is kept aside and `appendonly no`
 * appended (the last directive wins); after the start, `CONFIG SET appendonly yes` (`startAppendOnly` in
 * src/aof.c: a background rewrite of the loaded data set into a new AOF, `aof_enabled:1` at once and
 * `aof_rewrite_in_progress` or `aof_rewrite_scheduled` until it is written) and a wait until `INFO persistence`
 * shows the AOF on and rewritten; then the config goes back as ADM wrote it, which the running server now
 * matches (vesta's next start loads that AOF). A retry after a failure starts again from the kept config.
 */
export function startLoadingDump(l: RedisLayout, opts: { readonly pausedConfig: string; readonly start: string }) {
  const kept = `${l.stateDir}/new-config-appendonly`;
  const cli = { home: l.newHome, config: l.newConfig, port: l.r.port };
  const field = (name: string) => raw(sh`$(printf '%s\\n' "$p" | sed -n ${`s/^${name}://p`})`);
  return [
    sh`mkdir -p -m 700 ${l.stateDir} || exit 1`,
    sh`aof=$(${raw(readDirective(opts.pausedConfig, 'appendonly'))} | tr 'A-Z' 'a-z')`,
    sh`if [ -f ${kept} ] || [ "$aof" = yes ]; then`,
    sh`  { [ -f ${kept} ] || cp -p -- ${opts.pausedConfig} ${kept}; } && cp -p -- ${kept} ${opts.pausedConfig} || exit 1`,
    sh`  printf '\\n# opsgate: load the restored dump first; the AOF is switched on once it is loaded\\nappendonly no\\n' >> ${opts.pausedConfig} || exit 1`,
    sh`  echo ${`appendonly yes in ${l.newConfig}: starting with appendonly no so that the restored dump is loaded`}`,
    `fi`,
    `${opts.start} || exit 1`,
    sh`if [ -f ${kept} ]; then`,
    `  a=$(${redisCli(cli, ['CONFIG', 'SET', 'appendonly', 'yes'])} 2>&1)`,
    `  [ "$a" = OK ] || { echo "redis-cli CONFIG SET appendonly yes answered: $a" >&2; exit 1; }`,
    `  i=0`,
    `  while :; do`,
    `    p=$(${redisCli(cli, ['INFO', 'persistence'])} 2>&1 | tr -d '\\r')`,
    sh`    e=${field('aof_enabled')}; ip=${field('aof_rewrite_in_progress')}; sc=${field('aof_rewrite_scheduled')}; st=${field('aof_last_bgrewrite_status')}`,
    `    [ "$e" = 1 ] && [ "$ip" = 0 ] && [ "$sc" = 0 ] && [ "$st" = ok ] && break`,
    `    i=$((i + 1)); if [ $i -ge ${REWRITE_SECONDS} ]; then echo "the AOF rewrite did not finish in ${REWRITE_SECONDS}s: aof_enabled:$e aof_rewrite_in_progress:$ip aof_rewrite_scheduled:$sc aof_last_bgrewrite_status:$st" >&2; exit 1; fi`,
    `    sleep 1`,
    `  done`,
    sh`  cp -p -- ${kept} ${l.newConfig} && rm -f -- ${kept} || exit 1`,
    sh`  echo ${`AOF on and rewritten from the restored data (aof_enabled:1, aof_rewrite_in_progress:0, aof_last_bgrewrite_status:ok); ${l.newConfig} is again as ADM wrote it`}`,
    `fi`,
  ].join('\n');
}

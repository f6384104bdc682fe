import type { RollbackStep } from '../../../core/plan/step-schema.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
import { readRequirepass } from './redis-cli.ts';
import type { RedisLayout } from './upgrade-redis-steps.ts';
import { addressOf, hostTargets } from '../shared/xizang-site.ts';

/** Seconds the master's offset gets to move once, then the replica gets to reach it. */
const SYNC_SECONDS = 60;
/** Seconds one redis-cli gets: behind a firewall that drops packets, a connect to the master waits minutes. */
const ASK_SECONDS = 5;
/** The command's own bound: both waits, each redis-cli past its last check, and a margin. */
export const REPLICA_CHECK_TIMEOUT_MS = (2 * SYNC_SECONDS + 4 * ASK_SECONDS + 30) * 1000;

/** The install whose redis-cli and password the check uses (`home/bin/redis-cli`, `requirepass` of `config`). */
export interface RedisCliInstall {
  readonly home: string;
  readonly config: string;
}

/**
 * Run on a replica: proves that it replicates from the master now, not only that it did. Redis 5.0.5's `INFO
 * replication` (`genRedisInfoString` in src/server.c) on a replica gives `role:slave`, `master_host`, `master_port`,
 * `master_link_status` (up while `repl_state` is CONNECTED), `master_last_io_seconds_ago` and `slave_repl_offset`
 * (the replication stream it has applied); on the master, `master_repl_offset` (what it has sent, which
 * `feedReplicationBacklog` in src/replication.c advances). A replica cut off from its master goes on saying
 * `master_link_status:up` with its last offset until `repl-timeout` (60 s by default) runs out, and the master goes
 * on listing it as online as long: neither side can tell at once. What tells is the stream: the master's offset moves
 * (at least by the PING `replicationCron` sends its replicas every `repl-ping-replica-period`, 10 s by default, and by
 * every write), and a replica that is linked applies what was sent after the check began.
 *
 * So: read the master's `master_repl_offset` (from this host, each read bounded), wait until it has moved, and then
 * until this replica says `role:slave`, the master's address and port, `master_link_status:up` and a
 * `slave_repl_offset` at least that moved offset; "close" is thus exact: the replica has applied everything the
 * master had sent a moment after the check began, whatever clients write meanwhile. Every failure names the replica
 * and prints what it said of itself.
 */
export function replicaInSyncCommand(
  l: RedisLayout,
  replica: string,
  opts: { readonly install?: RedisCliInstall; readonly seconds?: number; readonly askSeconds?: number } = {},
): string {
  const { r } = l;
  const install = opts.install ?? { home: l.newHome, config: l.newConfig };
  const seconds = opts.seconds ?? SYNC_SECONDS;
  const askSeconds = opts.askSeconds ?? ASK_SECONDS;
  const master = addressOf(l.spec, r.master);
  const cli = `${install.home}/bin/redis-cli`;
  const field = (name: string, from = 'info') =>
    raw(sh`$(printf '%s\\n' "$${raw(from)}" | sed -n ${`s/^${name}://p`})`);
  /** Ends the check: `text` (ours, quoted), then `shell` (a double-quoted shell string), then what the replica said. */
  const fail = (text: string, shell = '') =>
    raw(sh`{ echo ${text} ${raw(shell)}"the replica says: $(seen)" >&2; exit 1; }`);
  const now = raw('$(date +%s)');
  const askMaster = raw(
    sh`moff || { mine; ${fail(`replica ${replica}: cannot read master_repl_offset from the master ${r.master} (${master}:${r.port}):`, `"\${said:-no answer within ${askSeconds}s};" `)}; }`,
  );
  return [
    sh`pw=$(${readRequirepass(install.config)})`,
    sh`ask() { REDISCLI_AUTH="$pw" timeout ${askSeconds} ${cli} -h "$1" -p ${r.port} INFO replication 2>&1 | tr -d '\\r'; }`,
    sh`mine() { info=$(ask 127.0.0.1); role=${field('role')}; mh=${field('master_host')}; mp=${field('master_port')}; link=${field('master_link_status')}; io=${field('master_last_io_seconds_ago')}; off=${field('slave_repl_offset')}; }`,
    `seen() { if [ -z "$role" ]; then echo "no INFO replication: $(printf '%s' "$info" | tr '\\n' ' ' | cut -c1-200)"; else echo "role:$role master_host:$mh master_port:$mp master_link_status:$link master_last_io_seconds_ago:$io slave_repl_offset:$off"; fi; }`,
    sh`moff() { said=; mi=$(ask ${master}); m=${field('master_repl_offset', 'mi')}; case $m in ''|*[!0-9]*) said=$(printf '%s' "$mi" | tr '\\n' ' ' | cut -c1-200); return 1 ;; esac; }`,
    askMaster.text,
    sh`m0=$m; end=$((${now} + ${seconds}))`,
    `while [ "$m" -le "$m0" ]; do`,
    sh`  [ ${now} -lt "$end" ] || { mine; ${fail(`replica ${replica}: the master ${r.master} kept master_repl_offset at`, `"$m0 for ${seconds}s (it moves at least every repl-ping-replica-period while a replica is attached);" `)}; }`,
    sh`  sleep 1; ${askMaster}`,
    `done`,
    sh`end=$((${now} + ${seconds}))`,
    sh`while mine; ! { [ "$role" = slave ] && [ "$mh" = ${master} ] && [ "$mp" = ${r.port} ] && [ "$link" = up ] && [ "$off" -ge "$m" ]; } 2>/dev/null; do`,
    sh`  [ ${now} -lt "$end" ] || ${fail(`replica ${replica} is not in sync with ${r.master} after ${seconds}s: the master's master_repl_offset went from`, '"$m0 to $m;" ')}`,
    `  sleep 1`,
    `done`,
    sh`echo ${`replica ${replica}:`} "$(seen)," ${`caught up with master_repl_offset of ${r.master}, read after it moved from`} "$m0 to $m"`,
  ].join('\n');
}

/**
 * Appended to r03's rollback, after the old master's data is compared: each replica of the old install, started
 * again, replicates from the old master as it did before the phase (asked as r09 asks the new one). Undefined for
 * an instance without replicas.
 */
export function replicasAfterUndoStep(l: RedisLayout): RollbackStep | undefined {
  const { r } = l;
  if (r.replicas.length === 0) return undefined;
  const install = { home: r.home, config: r.config };
  return {
    kind: 'action',
    id: 'r03-stop-undo-replicas',
    title: `Check that the replicas of the restarted ${r.name} replicate from ${r.master} again, each asked itself`,
    targets: hostTargets(r.replicas),
    destructive: false,
    preconditions: [],
    commands: r.replicas.map((host) => ({
      host,
      command: replicaInSyncCommand(l, host, { install }),
      timeoutMs: REPLICA_CHECK_TIMEOUT_MS,
    })),
    sql: [],
    verify: [],
  };
}

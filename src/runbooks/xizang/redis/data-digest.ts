import { raw, sh, shellQuote, type ShellFragment } from '../../../core/shell-quote.ts';

/**
 * The Redis data proof's digest, streamed: never `KEYS *`, never one script over the whole data set. Keys come
 * from `SCAN cursor COUNT 1000` per database listed by `INFO keyspace`; each batch's keys are asked `TYPE` and
 * `PTTL`, then read one key per command by type (`GET`, `HGETALL`, `LRANGE 0 -1`, `SMEMBERS`,
 * `ZRANGE 0 -1 WITHSCORES`, `XRANGE - +`). redis-cli's `--csv` output (5.0.5 `cliFormatReplyCSV`: every string
 * through `sdscatrepr`, so one reply is one line whatever bytes it holds) is turned by awk into one line per
 * element (`db key type element…`); the lines sorted (`sort -u`: SCAN may return a key twice) and hashed with
 * sha256sum give `keys=N volatile=V digest=HEX`. Equal data gives equal digests whatever the Redis version, the
 * encoding or the order SCAN walks the keys in. Keys with a TTL are counted, not hashed: they may expire between
 * two digests. redis-cli 5.0.5's own `--scan` is not used: it sends SCAN without COUNT and prints keys with
 * `printf("%s\n")`, so a key holding a newline or a NUL would be misread. Needs only sh, awk, sed, sort,
 * sha256sum and redis-cli, which a Redis host has.
 */

/** `csv(line, a)`: splits a redis-cli `--csv` line into its fields (quoted as redis-cli printed them). */
const CSV_AWK = `function csv(s, a,   n) {
  n = 0
  while (s != "") {
    if (substr(s, 1, 1) == "\\"") { if (!match(s, /^"([^"\\\\]|\\\\.)*"/)) return -1 }
    else if (!match(s, /^[^,]*/)) return -1
    a[++n] = substr(s, 1, RLENGTH); s = substr(s, RLENGTH + 1)
    if (s == "") break
    if (substr(s, 1, 1) != ",") return -1
    s = substr(s, 2)
  }
  return n
}
`;

/** One SCAN answer (`"cursor","key",…`) to one field a line, the cursor first; exit 3 on anything else. */
const SPLIT_AWK = `NR == 1 { n = csv($0, a); if (n < 1 || a[1] !~ /^"[0-9]+"$/) exit 3; for (i = 1; i <= n; i++) print a[i] }
END { if (NR != 1) exit 3 }`;

/**
 * Keys and their TYPE/PTTL answers to the value command of each key without a TTL (file `cmds`, with `kinds`:
 * `db key type`); keys with a TTL go to `vol`. A type it cannot read (a module's) is refused, naming the key.
 */
const PLAN_AWK = `FNR == NR { k[++nk] = $0; next }
{ m[++nm] = $0 }
END {
  if (nm != 2 * nk) { print "redis-cli answered " nm " lines to " 2 * nk " TYPE/PTTL requests" > "/dev/stderr"; exit 3 }
  for (i = 1; i <= nk; i++) {
    t = m[2 * i - 1]; p = m[2 * i]
    if (t !~ /^"[A-Za-z0-9_-]+"$/ || p !~ /^-?[0-9]+$/) { print "redis-cli answered TYPE/PTTL of " k[i] ": " t " " p > "/dev/stderr"; exit 3 }
    t = substr(t, 2, length(t) - 2)
    if (t == "none" || p == -2) continue
    if (p != -1) { print db "\\t" k[i] >> vol; continue }
    c = t == "string" ? "GET" : t == "hash" ? "HGETALL" : t == "list" ? "LRANGE" : t == "set" ? "SMEMBERS" : t == "zset" ? "ZRANGE" : t == "stream" ? "XRANGE" : ""
    if (c == "") { print "key " k[i] " of db " db " is of type " t ", which the data proof cannot read" > "/dev/stderr"; exit 3 }
    print c " " k[i] (t == "list" ? " 0 -1" : t == "zset" ? " 0 -1 WITHSCORES" : t == "stream" ? " - +" : "") > cmds
    print db "\\t" k[i] "\\t" t > kinds
  }
}`;

/**
 * `kinds` and the value answers to canonical lines: a `=type` line per key, then one line per element (list
 * elements numbered, scores printed as %.17g so that every Redis version's float format compares equal).
 */
const CANON_AWK = `function score(s) { s = substr(s, 2, length(s) - 2); return s ~ /inf/ ? tolower(s) : sprintf("%.17g", s + 0) }
FNR == NR { kd[++nk] = $0; next }
{ v[++nv] = $0 }
END {
  if (nv != nk) { print "redis-cli answered " nv " lines to " nk " value requests" > "/dev/stderr"; exit 3 }
  for (i = 1; i <= nk; i++) {
    split(kd[i], h, "\\t"); p = h[1] "\\t" h[2] "\\t"; t = h[3]
    if (v[i] ~ /^ERROR,/) { print "redis-cli answered " v[i] " for key " h[2] > "/dev/stderr"; exit 3 }
    print p "=" t
    if (t == "string" || t == "stream") { print p t "\\t" v[i]; continue }
    n = csv(v[i], a)
    if (n < 0) { print "redis-cli answered an unreadable line for key " h[2] > "/dev/stderr"; exit 3 }
    if (t == "list") for (j = 1; j <= n; j++) printf "%s%s\\t%010d\\t%s\\n", p, t, j, a[j]
    else if (t == "set") for (j = 1; j <= n; j++) print p t "\\t" a[j]
    else if (t == "hash") for (j = 1; j < n; j += 2) print p t "\\t" a[j] "\\t" a[j + 1]
    else for (j = 1; j < n; j += 2) print p t "\\t" a[j] "\\t" score(a[j + 1])
  }
}`;

/**
 * Shell text defining `og_digest DIR`: prints `keys=N volatile=V digest=HEX` for the Redis that the function
 * `rc` (defined by the caller: redis-cli with its connection options) reaches, working in the private DIR. Any
 * redis-cli failure or unexpected answer is a failure naming redis-cli, its exit code and its answer.
 */
export const DIGEST_FUNCTION = [
  sh`OG_CSV=${CSV_AWK}; OG_SPLIT=${SPLIT_AWK}; OG_PLAN=${PLAN_AWK}; OG_CANON=${CANON_AWK}`,
  `og_digest() {
  t=$1; : > "$t/lines"; : > "$t/volatile"
  ks=$(rc INFO keyspace 2>&1) || { echo "redis-cli INFO keyspace failed (exit $?): $ks" >&2; return 1; }
  case $ks in *'# Keyspace'*) ;; *) echo "redis-cli INFO keyspace answered: $ks" >&2; return 1 ;; esac
  for db in $(printf '%s\\n' "$ks" | tr -d '\\r' | sed -n 's/^db\\([0-9][0-9]*\\):keys=.*/\\1/p'); do
    cur=0
    while :; do
      rc -n "$db" --csv SCAN "$cur" COUNT 1000 > "$t/scan" 2>&1 || { echo "redis-cli SCAN failed (exit $?): $(head -c 300 "$t/scan")" >&2; return 1; }
      awk "$OG_CSV$OG_SPLIT" "$t/scan" > "$t/keys" || { echo "redis-cli SCAN answered: $(head -c 300 "$t/scan")" >&2; return 1; }
      cur=$(sed -n '1s/"//gp' "$t/keys")
      case $cur in ''|*[!0-9]*) echo "redis-cli SCAN answered: $(head -c 300 "$t/scan")" >&2; return 1 ;; esac
      sed 1d "$t/keys" > "$t/k"; : > "$t/cmds"; : > "$t/kinds"
      if [ -s "$t/k" ]; then
        awk '{ print "TYPE " $0; print "PTTL " $0 }' "$t/k" | rc -n "$db" --csv > "$t/meta" 2>&1 || { echo "redis-cli TYPE/PTTL failed (exit $?): $(head -c 300 "$t/meta")" >&2; return 1; }
        awk -v db="$db" -v cmds="$t/cmds" -v kinds="$t/kinds" -v vol="$t/volatile" "$OG_PLAN" "$t/k" "$t/meta" || return 1
      fi
      if [ -s "$t/cmds" ]; then
        rc -n "$db" --csv < "$t/cmds" > "$t/vals" 2>&1 || { echo "redis-cli failed reading values (exit $?): $(head -c 300 "$t/vals")" >&2; return 1; }
        awk "$OG_CSV$OG_CANON" "$t/kinds" "$t/vals" >> "$t/lines" || return 1
      fi
      [ "$cur" = 0 ] && break
    done
  done
  LC_ALL=C sort -u -T "$t" -o "$t/sorted" "$t/lines" || return 1
  printf 'keys=%s volatile=%s digest=%s\\n' "$(awk -F '\\t' '$3 ~ /^=/ { n++ } END { print n + 0 }' "$t/sorted")" \\
    "$(LC_ALL=C sort -u "$t/volatile" | wc -l | tr -d ' ')" "$(sha256sum < "$t/sorted" | cut -c1-64)"
}`,
].join('\n');

/** The digest line `og_digest` prints. */
export const DIGEST_PATTERN = '^keys=\\d+ volatile=\\d+ digest=[0-9a-f]{64}$';

/** A private work directory under `parent` (mode 700), removed with whatever else `cleanup` names on exit. */
function privateDir(parent: string, cleanup = ''): string {
  return [
    sh`mkdir -p -m 700 ${parent} && t=$(mktemp -d ${`${parent}/digest.XXXXXX`}) || exit 1`,
    `trap '${cleanup}rm -rf "$t"' EXIT`,
  ].join('\n');
}

/**
 * The digest of a running Redis, read over TCP on 127.0.0.1 with the password `password` prints (read on the
 * host, passed to redis-cli in `REDISCLI_AUTH` only); `out`, when given, also receives the line.
 */
export function liveDigestCommand(opts: {
  readonly cli: string;
  readonly port: number;
  readonly password: ShellFragment;
  readonly workDir: string;
  readonly out?: string;
}): string {
  return [
    DIGEST_FUNCTION,
    privateDir(opts.workDir),
    sh`pw=$(${opts.password}); rc() { REDISCLI_AUTH="$pw" ${opts.cli} -h 127.0.0.1 -p ${opts.port} "$@"; }`,
    opts.out === undefined
      ? 'og_digest "$t"'
      : sh`og_digest "$t" > "$t/out" && cat "$t/out" && cp -- "$t/out" ${opts.out}`,
  ].join('\n');
}

/**
 * The digest of a dump file, loaded into a scratch `redis-server` (the `server` binary, started under another
 * name so that nothing takes it for the service) that listens only on a unix socket in a private directory
 * (`--port 0`, socket mode 700), with no persistence (`--save ''`, `--appendonly no`: it never writes, and the
 * dump is only linked in), killed on exit. `DEBUG DIGEST` would do on such a scratch, but not on the live instance
 * it is compared with (renamed at many sites; refused by default from Redis 7), so both sides use the same streamed
 * reads. The line goes to stdout and to `out`.
 */
export function scratchDigestCommand(opts: {
  readonly server: string;
  readonly cli: string;
  readonly dump: ShellFragment | string;
  readonly workDir: string;
  readonly out: string;
}): string {
  const dump = typeof opts.dump === 'string' ? raw(shellQuote(opts.dump)) : opts.dump;
  return [
    DIGEST_FUNCTION,
    privateDir(opts.workDir, 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi; '),
    sh`pid=; dump=${dump}; [ -s "$dump" ] || { echo "no dump file $dump" >&2; exit 1; }`,
    sh`ln -s -- "$dump" "$t/dump.rdb" && ln -s -- ${opts.server} "$t/opsgate-scratch-redis" || exit 1`,
    `"$t/opsgate-scratch-redis" --port 0 --unixsocket "$t/redis.sock" --unixsocketperm 700 --dir "$t" --dbfilename dump.rdb --save '' --appendonly no --databases 1024 --daemonize no --logfile "$t/redis.log" >/dev/null 2>&1 &`,
    sh`pid=$!; rc() { ${opts.cli} -s "$t/redis.sock" "$@"; }`,
    // Loading a big dump takes a while: wait as long as the scratch lives and answers LOADING.
    `a=; while kill -0 "$pid" 2>/dev/null; do a=$(rc PING 2>&1); [ "$a" = PONG ] && break; sleep 1; done`,
    `[ "$a" = PONG ] || { echo "the scratch redis-server loading $dump did not answer PING: $a; its log: $(tail -n 5 "$t/redis.log" 2>/dev/null)" >&2; exit 1; }`,
    sh`og_digest "$t" > "$t/out" && cat "$t/out" && cp -- "$t/out" ${opts.out}`,
  ].join('\n');
}

/**
 * Compares the digest recorded in `now` with the one of the final dump in `final`: the same keys without a TTL
 * and the same digest of them; keys with a TTL may only have become fewer (expired), never more. Prints both and
 * `data-equal` when they agree.
 */
export function compareDigestsCommand(final: string, now: string): string {
  return [
    sh`f=$(cat ${final} 2>/dev/null); n=$(cat ${now} 2>/dev/null); echo "final dump: $f"; echo "now: $n"`,
    `printf '%s\\n%s\\n' "$f" "$n" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[NR, kv[1]] = kv[2] } } END { ok = NR == 2 && v[1, "digest"] != "" && v[1, "keys"] == v[2, "keys"] && v[1, "digest"] == v[2, "digest"] && v[2, "volatile"] + 0 <= v[1, "volatile"] + 0; if (ok) print "data-equal"; exit !ok }'`,
  ].join('\n');
}

import { shellQuote } from '../../../core/shell-quote.ts';
import { REDIS_CONF_PROGRAM } from '../redis/redis-cli.ts';

/**
 * The one read-only command `opsgate sites discover` runs on each host: it knows nothing of the site and finds what
 * runs from the host itself. It prints `key=value` lines that `readHostFacts` parses:
 * - `addr=A` per IPv4 address the host holds; `listen=PID PORT` per listening TCP socket (`ss -ltnp`);
 * - `proc=PID USER EXE CWD` and `args=PID ARGS` per listening process and per keepalived (from /proc);
 * - `svc=NAME PATH…` per init script or systemd unit naming one of those executables or configs (the service);
 * - `conf=PID KEY VALUE` for the settings of each instance's own config (its `file`; Redis `dir` and whether a
 *   `requirepass` is set, never its value; Kafka `log.dirs`, zoo.cfg,
 *   FastDFS `base_path`/`group_name`/`store_pathN`, keepalived VRRP instances) and
 *   `redis=PID FIELD:VALUE` from `INFO` (the password read from the config on the host, never printed);
 * - `zone=NAME` per zone a bind config declares.
 * Nothing is written on the host.
 */
export function discoverProbe(): string {
  const redisAwk = shellQuote(REDIS_CONF_PROGRAM);
  return String.raw`
addrs() { ip -o -4 addr show 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print "addr=" $4 }'; }
addrs
pids=$(ss -ltnpH 2>/dev/null | awk '{ p = $4; sub(/.*:/, "", p); s = $0; while (match(s, /pid=[0-9]+/)) { print substr(s, RSTART + 4, RLENGTH - 4) " " p; s = substr(s, RSTART + RLENGTH) } }' | sort -u)
printf '%s\n' "$pids" | sed -n 's/^\([0-9][0-9]*\) \([0-9][0-9]*\)$/listen=\1 \2/p'
all=$( { printf '%s\n' "$pids" | awk 'NF { print $1 }'; pgrep -x keepalived; } | sort -un)
# The program as started (a symlinked binary keeps its install path): argv[0] when absolute, nginx's after "process".
prog() { tr '\0' '\n' < "/proc/$1/cmdline" 2>/dev/null | head -n 1 | sed -n -e 's/^nginx: [a-z]* process \(\/[^ ]*\).*/\1/p' -e 's/^\(\/[^ ]*\).*/\1/p' | head -n 1 | grep . || printf '%s\n' "$2"; }
needles=
for pid in $all; do
  [ -r "/proc/$pid/cmdline" ] || continue
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || exe=?; cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || cwd=?
  echo "proc=$pid $(stat -c %U "/proc/$pid" 2>/dev/null) $exe $cwd"
  args=$(tr '\0' ' ' < "/proc/$pid/cmdline" | cut -c1-4000); echo "args=$pid $args"
  needles="$needles $exe $(prog "$pid" "$exe") $(tr '\0' '\n' < "/proc/$pid/cmdline" | grep -E '^/.*\.(conf|cfg|properties)$' | tr '\n' ' ')"
done
# One grep per unit: the needles as newline-separated fixed patterns, shared interpreters left out.
wanted=$(printf '%s\n' $needles | grep -vE '^/(usr/)?bin/' | sort -u)
for f in /etc/init.d/* /etc/systemd/system/*.service /usr/lib/systemd/system/*.service; do
  [ -f "$f" ] || continue
  paths=$(grep -ohE '/[A-Za-z0-9_./-]+' "$f" 2>/dev/null | sort -u)
  [ -n "$wanted" ] && printf '%s\n' "$paths" | grep -qxF -- "$wanted" && echo "svc=$(basename "$f" .service) $(printf '%s' "$paths" | tr '\n' ' ' | cut -c1-3000)"
done
prop() { sed -n "s/^[[:space:]]*\($2\)[[:space:]]*[=:][[:space:]]*\(.*\)$/conf=$3 \1 \2/p" "$1" 2>/dev/null | tr -d '\r'; }
for pid in $all; do
  exe=$(prog "$pid" "$(readlink "/proc/$pid/exe" 2>/dev/null)"); args=$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null)
  echo "prog=$pid $exe"
  case "$exe" in
  */redis-server)
    conf=$(printf '%s\n' "$args" | grep -E '\.conf$' | head -n 1)
    if [ -z "$conf" ]; then
      for f in /etc/init.d/* /etc/systemd/system/*.service /usr/lib/systemd/system/*.service; do
        [ -f "$f" ] && grep -qF -- "$exe" "$f" 2>/dev/null && conf=$(grep -ohE '/[A-Za-z0-9_./-]+\.conf' "$f" | head -n 1) && [ -n "$conf" ] && break
      done
    fi
    echo "conf=$pid file $conf"
    port=$(printf '%s\n' "$pids" | awk -v p="$pid" '$1 == p { print $2; exit }')
    cli="$(dirname "$exe")/redis-cli"; [ -x "$cli" ] || cli=redis-cli
    pass=$(awk -v want=requirepass -v conf="$conf" ${redisAwk} 2>/dev/null); [ -n "$pass" ] && echo "conf=$pid requirepass set"
    REDISCLI_AUTH="$pass" timeout 20 "$cli" -h 127.0.0.1 -p "$port" INFO 2>/dev/null | tr -d '\r' | grep -E '^(redis_version|config_file|role|master_host|master_port|slave[0-9]+):' | sed "s/^/redis=$pid /"
    echo "conf=$pid dir $(awk -v want=dir -v conf="$conf" ${redisAwk} 2>/dev/null)"
    ;;
  */keepalived)
    conf=$(printf '%s\n' "$args" | awk 'f { print; exit } $0 == "-f" || $0 == "--use-file" { f = 1 }')
    [ -n "$conf" ] || conf=/etc/keepalived/keepalived.conf
    echo "conf=$pid file $conf"
    awk -v p="$pid" '/^[[:space:]]*vrrp_instance/ { i = $2 } /virtual_router_id/ { r[i] = $2 } /virtual_ipaddress/ { v = 1; next } v && /}/ { v = 0 } v && NF { sub(/\/.*/, "", $1); print "conf=" p " vrrp " i " " r[i] " " $1 }' "$conf" 2>/dev/null
    ;;
  *)
    cfg=$(printf '%s\n' "$args" | grep -E '\.(cfg|properties|conf)$' | tail -n 1)
    case "$args" in
    *kafka.Kafka*) prop "$cfg" 'log\.dirs\|broker\.id\|zookeeper\.connect\|listeners' "$pid" ;;
    *QuorumPeerMain*) prop "$cfg" 'dataDir\|clientPort\|server\.[0-9]*' "$pid"; echo "conf=$pid file $cfg" ;;
    *fdfs_trackerd*|*fdfs_storaged*) prop "$cfg" 'base_path\|port\|group_name\|store_path[0-9]*\|tracker_server' "$pid"; echo "conf=$pid file $cfg" ;;
    "nginx: master"*)
      c=$(printf '%s' "$args" | tr ' ' '\n' | awk 'f { print; exit } $0 == "-c" { f = 1 }')
      home=$(dirname "$(dirname "$exe")")
      case "$c" in "$home"/*|'') ;; *) [ -f "$home/conf/nginx.conf" ] && c="$home/conf/nginx.conf" ;; esac
      [ -n "$c" ] || c="$home/conf/nginx.conf"; echo "conf=$pid file $c" ;;
    esac
    ;;
  esac
done
for f in /etc/bind/named.conf.local /etc/named.conf /etc/bind/named.conf; do
  [ -r "$f" ] && sed -n 's/^[[:space:]]*zone[[:space:]]*"\([^"]*\)".*/zone=\1/p' "$f"
done | sort -u
true
`;
}

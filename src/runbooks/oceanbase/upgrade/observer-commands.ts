/**
 * Stopping, installing and starting one observer the way obd and the oceanbase-ce RPMs lay it out: the process is
 * `<home>/bin/observer`, started by the deploy user (`admin` by default) with the home path as its working
 * directory, where it reads its persisted parameters (`etc/observer.config.bin`) and writes its pid
 * (`run/observer.pid`). Never `/etc/init.d/observer`: no real deployment has one.
 *
 * Sources (read, not copied):
 * - oceanbase/obdeploy plugins/oceanbase/3.1.0/stop.py (commit 285390b6): `cat <home>/run/observer.pid`, signal
 *   that pid, wait until the rpc and mysql ports are released (checked against the pid's sockets), remove the pid
 *   file. obd sends `kill -9` to the process group; opsgate sends SIGTERM to the one process it verified, and
 *   waits (the zone is already INACTIVE, so nothing hurries it), leaving `kill -9` to a person.
 * - oceanbase/obdeploy plugins/oceanbase/3.1.0/start.py (commit 16f14f59): `cd <home>; <home>/bin/observer …`
 *   with `LD_LIBRARY_PATH=<home>/lib:`, run by the deploy user obd logs in as; with `etc/observer.config.bin`
 *   present the parameters come from it; the start is checked by the pid file naming a live process.
 * - oceanbase/obdeploy plugins/oceanbase/4.0.0.0/upgrade.py (commit 1c7ee18a): per zone, stop zone, install,
 *   the stop workflow, the start workflow, wait.
 * - oceanbase/oceanbase tools/rpm/systemd/profile/oceanbase-service.sh.template (commit 3243db6e): the RPM's
 *   prefix holds `run/observer.pid`; the packages install under /home/admin/oceanbase.
 */
import { shellQuote } from '../../../core/shell-quote.ts';
import type { ObDeploy } from '../../../core/sites/oceanbase-schema.ts';
import { packageNames, stagedPath } from './stage-program.ts';

/** The observer's RPC port (obd's `rpc_port` default), which the lab's stand-in also listens on. */
export const OBSERVER_RPC_PORT = 2882;
/** The observer's MySQL port (obd's `mysql_port` default): released with the RPC port when it stops. */
export const OBSERVER_MYSQL_PORT = 2881;
/** Where the oceanbase-ce RPMs install the observer: their prefix is fixed. */
export const RPM_HOME = '/home/admin/oceanbase';
/** How long the stop waits for the process to end and its ports to close after SIGTERM. */
export const STOP_WAIT_SEC = 120;
/** How long the start waits for the process to run from the home as the deploy user and listen. */
export const START_WAIT_SEC = 90;

/** Sets `listening` to the first of the observer's ports something listens on (empty when none). */
const LISTENING = [
  'listening=;',
  `for port in ${OBSERVER_RPC_PORT} ${OBSERVER_MYSQL_PORT}; do`,
  `if ss -ltn "sport = :$port" | awk 'NR > 1' | grep -q .; then listening=$port; break; fi; done`,
].join(' ');

/**
 * Sets `why` to why pid `$p` is not the observer of home `$h` (empty when it is): its command line must run
 * `bin/observer` and its working directory or executable must be under the home.
 */
const CHECK_PID = [
  `why=; cmd=$(tr '\\0' ' ' < "/proc/$p/cmdline" 2>/dev/null); cwd=$(readlink "/proc/$p/cwd" 2>/dev/null)`,
  `exe=$(readlink "/proc/$p/exe" 2>/dev/null)`,
  `case " $cmd" in *" $h/bin/observer"*|*" bin/observer"*|*" ./bin/observer"*) ;; *) why="its command line is '$cmd', not $h/bin/observer" ;; esac`,
  `if [ -z "$why" ] && [ "$cwd" != "$h" ]; then case "$exe" in "$h"/*) ;; *) why="it runs from $cwd ($exe), not from $h" ;; esac; fi`,
].join('; ');

/** Shell variables `h` (home), `u` (deploy user), `f` (pid file), and `alive PID` (a process, not a zombie). */
function prelude(d: ObDeploy): string {
  return [
    `h=${shellQuote(d.home)}; u=${shellQuote(d.user)}; f="$h/run/observer.pid"`,
    `alive() { [ -d "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }`,
  ].join('\n');
}

/**
 * Stops the observer of the deploy's home: the pid from `run/observer.pid`, checked to be that observer (else
 * refused, nothing signalled), SIGTERM, then a bounded wait until the process is gone and its ports are closed;
 * the pid file is removed. A stale pid file (process gone) or none, with the ports closed, is "already stopped".
 */
export function observerStopCommand(d: ObDeploy): string {
  return [
    prelude(d),
    LISTENING,
    `if [ ! -f "$f" ]; then if [ -n "$listening" ]; then echo "refused: there is no $f, yet port $listening is in use; opsgate does not guess which process to stop: look with ss -ltnp and stop the observer of $h by hand" >&2; exit 1; fi; echo "the observer of $h is not running: no $f, ports ${OBSERVER_RPC_PORT} and ${OBSERVER_MYSQL_PORT} closed"; exit 0; fi`,
    `p=$(cat "$f"); case "$p" in ''|*[!0-9]*) echo "refused: $f holds '$p', not a pid; nothing was signalled" >&2; exit 1 ;; esac`,
    `if ! alive "$p"; then if [ -n "$listening" ]; then echo "refused: $f names pid $p, which is gone (a stale pid file), yet port $listening is in use by another process; nothing was signalled: look with ss -ltnp" >&2; exit 1; fi; rm -f "$f"; echo "the observer of $h is not running: $f named pid $p, which is gone (stale pid file removed); ports ${OBSERVER_RPC_PORT} and ${OBSERVER_MYSQL_PORT} closed"; exit 0; fi`,
    CHECK_PID,
    `if [ -n "$why" ]; then echo "refused: $f names pid $p, which is not the observer of $h: $why. Nothing was signalled; find the observer's real pid (ss -ltnp sport = :${OBSERVER_RPC_PORT}) and fix $f, or stop it by hand" >&2; exit 1; fi`,
    `kill -TERM "$p" || { echo "cannot signal pid $p (the observer of $h)" >&2; exit 1; }`,
    `i=0; while [ "$i" -lt ${STOP_WAIT_SEC * 2} ]; do ${LISTENING}; if ! alive "$p" && [ -z "$listening" ]; then break; fi; sleep 0.5; i=$((i + 1)); done`,
    `if alive "$p" || [ -n "$listening" ]; then echo "the observer of $h (pid $p) was sent SIGTERM but after ${STOP_WAIT_SEC} s $(alive "$p" && echo 'the process still runs' || echo "port $listening is still in use"). The zone is INACTIVE and still carries no leader. Decide: retry this step (to stop it by hand first, obd uses kill -9 $p: the retry then finds it stopped), or abort" >&2; exit 1; fi`,
    `rm -f "$f"; echo "the observer of $h (pid $p) stopped after SIGTERM in $((i / 2)) s; ports ${OBSERVER_RPC_PORT} and ${OBSERVER_MYSQL_PORT} closed"`,
  ].join('\n');
}

/**
 * Starts the observer as obd does: as the deploy user, from the home path (`cd <home>; <home>/bin/observer`,
 * `LD_LIBRARY_PATH=<home>/lib:`), with no options, so it takes its persisted parameters from
 * `etc/observer.config.bin` (required: without it the observer would not know its zone, ports or cluster). Then a
 * bounded wait until `run/observer.pid` names a live `bin/observer` running from the home as the deploy user and
 * listening on its RPC port. An observer of this home already running is left as it is (a retried step).
 */
export function observerStartCommand(d: ObDeploy): string {
  const launch = `env LD_LIBRARY_PATH="$h/lib:" "$h/bin/observer"`;
  return [
    prelude(d),
    `id -u "$u" >/dev/null 2>&1 || { echo "refused: the deploy user $u does not exist on this host" >&2; exit 1; }`,
    `[ -f "$h/etc/observer.config.bin" ] || { echo "refused: $h/etc/observer.config.bin is missing: the observer would start without its persisted parameters (zone, ports, cluster). Start it by hand with its full options" >&2; exit 1; }`,
    `p=; [ -f "$f" ] && p=$(cat "$f"); why=none; case "$p" in ''|*[!0-9]*) ;; *) if alive "$p"; then ${CHECK_PID}; fi ;; esac`,
    `if [ -z "$why" ]; then echo "the observer of $h already runs (pid $p); not started again"; else`,
    `${LISTENING}; if [ -n "$listening" ]; then echo "refused: port $listening is in use by a process that is not the observer of $h; nothing was started: look with ss -ltnp" >&2; exit 1; fi`,
    `o=$(mktemp); cd "$h" || exit 1`,
    `if [ "$(id -un)" = "$u" ]; then ${launch} < /dev/null > "$o" 2>&1; elif [ "$(id -u)" = 0 ]; then runuser -u "$u" -- ${launch} < /dev/null > "$o" 2>&1; else sudo -n -u "$u" ${launch} < /dev/null > "$o" 2>&1; fi; rc=$?`,
    `head -c 2000 "$o"; rm -f "$o"; [ "$rc" = 0 ] || { echo "bin/observer exited $rc when started as $u from $h" >&2; exit 1; }; fi`,
    `uid=$(id -u "$u"); i=0; state='no pid file yet'`,
    `while [ "$i" -lt ${START_WAIT_SEC * 2} ]; do p=; [ -f "$f" ] && p=$(cat "$f"); state="$f names no live process"`,
    `case "$p" in ''|*[!0-9]*) ;; *) if alive "$p"; then ${CHECK_PID}; state="pid $p: \${why:-runs from $h}"`,
    `if [ -z "$why" ]; then pu=$(awk '/^Uid:/ { print $2 }' "/proc/$p/status"); if [ "$pu" != "$uid" ]; then state="pid $p runs as uid $pu, not as $u"; elif ss -ltn "sport = :${OBSERVER_RPC_PORT}" | awk 'NR > 1' | grep -q .; then echo "the observer of $h runs as $u (pid $p) and listens on ${OBSERVER_RPC_PORT}"; exit 0; else state="pid $p does not listen on ${OBSERVER_RPC_PORT} yet"; fi; fi; fi ;; esac`,
    `sleep 0.5; i=$((i + 1)); done`,
    `echo "the observer of $h did not come up within ${START_WAIT_SEC} s: $state. Last lines of $h/log/observer.log:" >&2; tail -n 5 "$h/log/observer.log" >&2 2>/dev/null; exit 1`,
  ].join('\n');
}

/**
 * Installs the target's `oceanbase-ce-libs` and `oceanbase-ce` in one rpm transaction (the server package
 * requires the libs of its own version, so one without the other cannot be installed); when both are already
 * installed at that version (a retried step) nothing is done.
 */
export function observerInstallCommand(version: string): string {
  const pkg = packageNames(version);
  return [
    `if rpm -q --quiet ${shellQuote(pkg.libs)} && rpm -q --quiet ${shellQuote(pkg.server)}; then echo ${shellQuote(`${pkg.libs} and ${pkg.server} are already installed`)}`,
    `else rpm -Uvh ${shellQuote(stagedPath(pkg.libs))} ${shellQuote(stagedPath(pkg.server))}; fi`,
  ].join('; ');
}

import type { Probe } from '../../../core/plan/step-schema.ts';
import { sh } from '../../../core/shell-quote.ts';
import { pidsOf, portListening } from '../../../core/plan/service-probe.ts';

/**
 * A service of the site as the runbooks control and observe it. Its state is read from the software (its
 * process, its port, its protocol answer); its init script or systemd unit is only how it is started and stopped.
 */
export interface SiteService {
  /** The `/etc/init.d` script or systemd unit that starts and stops it. */
  readonly name: string;
  /** Text its process's command line holds: the executable's path, a config path or a Java main class. */
  readonly process: string;
  readonly port?: number;
  /** A protocol answer proving it serves (e.g. redis-cli PING → ^PONG$). */
  readonly answer?: { readonly command: string; readonly pattern: string };
  /**
   * How to stop it through the software itself where no service manager does it well (Redis's stock init script
   * runs `redis-cli shutdown` without the password and then waits forever); used on hosts without systemd.
   */
  readonly stopWithoutSystemd?: string;
}

/** The typed probe of `s` in `state`, on `hosts` (default: the step's hosts). */
export function serviceProbe(s: SiteService, state: 'running' | 'stopped', hosts?: readonly string[]): Probe {
  return {
    kind: 'service',
    name: s.name,
    state,
    process: s.process,
    ...(s.port === undefined ? {} : { port: s.port }),
    ...(s.answer === undefined ? {} : { answer: { ...s.answer } }),
    ...(hosts === undefined ? {} : { hosts: [...hosts] }),
  };
}

/** Seconds a start or stop may take before the step reports it did not happen. */
const SETTLE_SECONDS = 60;

/**
 * Exits 0 when the process of `s` runs `and` its port (if any) listens (it is up), or runs `or` its port is open
 * (something of it is still up).
 */
function upTest(s: SiteService, join: 'and' | 'or'): string {
  const proc = `[ -n "$(${pidsOf(s.process)})" ]`;
  if (s.port === undefined) return proc;
  return `{ ${proc} ${join === 'and' ? '&&' : '||'} ${portListening(s.port)}; }`;
}

/**
 * Starts, stops or restarts `s` through the host's service manager: systemctl where systemd runs (units and the
 * init scripts it wraps alike), else the `/etc/init.d` script; a host with neither refuses, naming the service.
 * Then it waits until the software itself shows the new state (process and port), since init scripts are known to
 * return before that, or to report success when nothing happened. A restart holds the service manager's lock until
 * the service is up again, so a guard that starts stopped services (ADM's vesta) cannot race it.
 */
export function controlService(s: SiteService, verb: 'start' | 'stop' | 'restart'): string {
  const byManager = sh`if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then systemctl ${verb} ${s.name}; elif [ -x ${`/etc/init.d/${s.name}`} ]; then ${`/etc/init.d/${s.name}`} ${verb}; else echo ${`${s.name}: no systemd and no /etc/init.d/${s.name} on this host`} >&2; exit 1; fi`;
  const run =
    verb === 'stop' && s.stopWithoutSystemd !== undefined
      ? `if [ -d /run/systemd/system ]; then ${byManager}; else ${s.stopWithoutSystemd}; fi`
      : byManager;
  const settled = verb === 'stop' ? `! ${upTest(s, 'or')}` : upTest(s, 'and');
  const what = verb === 'stop' ? 'is still running' : 'is not running';
  const failed = sh`{ echo ${`${s.name}: ${verb} failed`} "(exit $rc)" >&2; exit 1; }`;
  const late = sh`{ echo ${`${s.name} ${what} ${SETTLE_SECONDS}s after ${verb} (process ${s.process}${s.port === undefined ? '' : `, port ${s.port}`})`} >&2; exit 1; }`;
  return `{ { ${run}; }; rc=$?; [ $rc -eq 0 ] || ${failed}; i=0; while [ $i -lt ${SETTLE_SECONDS} ] && ! { ${settled}; }; do sleep 1; i=$((i + 1)); done; { ${settled}; } || ${late}; }`;
}

/**
 * A command that sends `request` (printf `%b` escapes, e.g. `srvr\n`) to the local TCP `port` and prints the first
 * 4 KiB of the answer, within 5 seconds; bash's /dev/tcp, so it needs no client the host may lack.
 */
export function tcpAsk(port: number, request: string): string {
  return sh`timeout 5 bash -c ${'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "%b" "$2" >&3 && head -c 4096 <&3'} tcp-ask ${port} ${request}`;
}

/** An HTTP answer on the local `port`: any status line (the server speaks HTTP), e.g. from nginx. */
export function httpAnswer(port: number, path = '/'): NonNullable<SiteService['answer']> {
  return {
    command: tcpAsk(port, `HEAD ${path} HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n`),
    pattern: '^HTTP/1\\.[01] \\d{3}',
  };
}

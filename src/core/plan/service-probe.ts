import { shellQuote } from '../shell-quote.ts';
import type { Probe } from './step-schema.ts';

/** A `service` probe: whether a service runs, read from its process, its port and its protocol answer. */
export type ServiceProbe = Extract<Probe, { kind: 'service' }>;

/** What a service probe's command printed, read back. */
export interface ServiceReading {
  /** Process ids whose command line holds the process text; undefined when the host cannot tell (no pgrep). */
  readonly pids: readonly string[] | undefined;
  /** undefined when the probe names no port or the host cannot tell (no ss). */
  readonly port: 'listening' | 'closed' | undefined;
  /** What the answer command printed (running probes with an answer only). */
  readonly answer: string | undefined;
  /** Why the host could not tell, when it could not. */
  readonly unknown: string | undefined;
}

/**
 * The literal `text` as an extended regular expression that does not match itself: its first letter, digit or
 * `/` goes in brackets (`/app/x` → `[/]app/x`), so the shell running the probe, whose command line holds the
 * pattern, is never counted as the service.
 */
export function selfExcludingPattern(text: string): string {
  let bracketed = false;
  let out = '';
  for (const c of text) {
    if (!bracketed && /[A-Za-z0-9/]/.test(c)) {
      out += `[${c}]`;
      bracketed = true;
    } else out += /[\\.^$*+?()[\]{}|]/.test(c) ? `\\${c}` : c;
  }
  return out;
}

/**
 * A shell snippet printing, one per line, the pids whose command line holds `text`. It leaves out the shell that
 * runs it, that shell's ancestors and its subshells: their command lines hold the snippet itself, and may hold the
 * text elsewhere too (`/etc/init.d/NAME stop` in the same command, a message naming the process).
 */
export function pidsOf(text: string): string {
  return [
    `{ self=$(tr '\\0' ' ' < /proc/$$/cmdline); up=' '; a=$$`,
    `while [ "\${a:-1}" -gt 1 ]; do up="$up$a "; a=$(sed 's/.*) [A-Za-z] //; s/ .*//' "/proc/$a/stat" 2>/dev/null); done`,
    `for q in $(pgrep -f -- ${shellQuote(selfExcludingPattern(text))}); do case "$up" in *" $q "*) continue ;; esac`,
    `[ "$(tr '\\0' ' ' < "/proc/$q/cmdline" 2>/dev/null)" = "$self" ] || echo "$q"; done; }`,
  ].join('; ');
}

/**
 * Sets `pids` to the pids whose command line holds `text` (`pidsOf`) and prints `process: PIDS|none`, or
 * `unknown: no pgrep on the host` (a missing pgrep must not read as "no process").
 */
export function processReading(text: string): string {
  return `if command -v pgrep >/dev/null 2>&1; then pids=$(${pidsOf(text)} | tr '\\n' ' '); echo "process: \${pids:-none}"; else echo 'unknown: no pgrep on the host'; pids=; fi`;
}

/** Exits 0 while something listens on the local TCP `port` (`ss` without `-H`, which old iproute2 lacks). */
export function portListening(port: number): string {
  return `ss -ltn ${shellQuote(`sport = :${port}`)} | awk 'NR > 1' | grep -q .`;
}

/**
 * The command of a service probe. It prints `process: PIDS|none`, `port N: listening|closed` and, for a running
 * probe with an answer, `answer: LINE` per line of the answer; `unknown: WHY` when a tool is missing. It needs
 * only pgrep and ss (procps and iproute2, on every Linux the sites run; `ss` without `-H`, which old iproute2
 * lacks).
 */
export function compileServiceProbe(p: ServiceProbe): string {
  const parts = [processReading(p.process)];
  if (p.port !== undefined)
    parts.push(
      `if command -v ss >/dev/null 2>&1; then if ${portListening(p.port)}; then echo 'port ${p.port}: listening'; else echo 'port ${p.port}: closed'; fi; else echo 'unknown: no ss on the host'; fi`,
    );
  if (p.answer !== undefined && p.state === 'running')
    parts.push(`{ ${p.answer.command}; } 2>&1 | head -n 20 | sed 's/^/answer: /'`);
  return parts.join('; ');
}

/** Reads a service probe's output. */
export function readServiceProbe(stdout: string): ServiceReading {
  let pids: string[] | undefined;
  let port: 'listening' | 'closed' | undefined;
  const answer: string[] = [];
  const unknown: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const proc = /^process: (.*)$/.exec(line);
    if (proc !== null) pids = proc[1] === 'none' ? [] : (proc[1] ?? '').trim().split(/\s+/).filter(Boolean);
    const open = /^port \d+: (listening|closed)$/.exec(line);
    if (open !== null) port = open[1] === 'listening' ? 'listening' : 'closed';
    if (line.startsWith('answer: ')) answer.push(line.slice('answer: '.length));
    if (line.startsWith('unknown: ')) unknown.push(line.slice('unknown: '.length));
  }
  return {
    pids,
    port,
    answer: answer.length > 0 ? answer.join('\n') : undefined,
    unknown:
      unknown.length > 0 ? unknown.join('; ') : pids === undefined ? 'the probe printed no process line' : undefined,
  };
}

/** Whether the reading shows the probe's state, and the evidence in words. */
export function judgeService(p: ServiceProbe, r: ServiceReading): { ok: boolean; evidence: string } {
  const facts: string[] = [];
  if (r.pids !== undefined)
    facts.push(r.pids.length > 0 ? `pid ${r.pids.join(', ')} runs ${p.process}` : `no process runs ${p.process}`);
  if (p.port !== undefined) facts.push(`port ${p.port} ${r.port ?? 'unknown'}`);
  const answered =
    p.answer === undefined || p.state === 'stopped' || new RegExp(p.answer.pattern, 'm').test(r.answer ?? '');
  if (p.answer !== undefined && p.state === 'running')
    facts.push(
      answered ? `answered /${p.answer.pattern}/` : `answer: ${r.answer?.replace(/\s+/g, ' ').slice(0, 120) ?? 'none'}`,
    );
  if (r.unknown !== undefined)
    return { ok: false, evidence: `service ${p.name} is in an unknown state: ${r.unknown}; ${facts.join(', ')}` };
  const procUp = (r.pids?.length ?? 0) > 0;
  const portUp = p.port === undefined ? undefined : r.port === 'listening';
  const running = procUp && portUp !== false && answered;
  const stopped = !procUp && portUp !== true;
  const state = running ? 'running' : stopped ? 'stopped' : 'neither running nor stopped';
  return {
    ok: p.state === 'running' ? running : stopped,
    evidence: `service ${p.name} is ${state}: ${facts.join(', ')}`,
  };
}

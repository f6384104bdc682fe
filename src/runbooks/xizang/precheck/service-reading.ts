import { processReading } from '../../../core/plan/service-probe.ts';
import { sh } from '../../../core/shell-quote.ts';
import type { SiteService } from '../shared/site-services.ts';

/**
 * How the precheck reads whether a service runs: from the software itself, never from an init script or a file an
 * installer wrote. Its process (by a text of its command line), the TCP sockets that process listens on (`ss -ltnp`,
 * header checked, without `-H`, which old iproute2 lacks), the port it must listen on, and a protocol answer: a
 * fixed question (redis-cli PING, dig, `srvr`) or HTTP on each address the process listens on. Read back by
 * `judgeService` (service-verdict.ts).
 */

/** One service the precheck reads. */
export interface ServiceCheck {
  /** The service as a person names it in findings (`keepalived`, `bind`, `power-dns`). */
  readonly name: string;
  /** A text its process's command line holds: the executable's path, a config path, a Java main class. */
  readonly process: string;
  /** The TCP port it must listen on. */
  readonly port?: number;
  /** A fixed question: `tool` names it in findings; its output must match `pattern` (multiline) and it must exit 0. */
  readonly answer?: { readonly tool: string; readonly command: string; readonly pattern: string };
  /** Ask HTTP (`HEAD /`) on the addresses its process listens on (on `port` only, when given); any status line. */
  readonly http?: boolean;
}

/** The status line any HTTP server answers with. */
export const HTTP_STATUS = '^HTTP/1\\.[01] \\d{3}';

const NL = String.raw`\n`;

/** `ssout` = `ss -ltnp`, or `unknown: …` naming ss, its exit code and output when it did not answer with its table. */
const LISTENING = `ssout=$(ss -ltnp 2>&1); ssrc=$?; case "$ssout" in State*) ;; *) echo "unknown: ss -ltnp (exit $ssrc): $(printf '%s' "$ssout" | head -c 200 | tr '${NL}' ' ')"; ssout= ;; esac`;

/** `listen: ADDRESS:PORT` for every TCP socket the processes listen on; `eps` holds them. */
const ENDPOINTS = [
  `eps=$(for q in $pids; do printf '%s${NL}' "$ssout" | awk -v q="pid=$q," 'NR > 1 && index($0, q) { print $4 }'; done | sort -u)`,
  'for e in $eps; do echo "listen: $e"; done',
].join('; ');

/** `port N: listening|closed`, from the same `ss` table (any local address). */
function portLine(port: number): string {
  const awk = `NR > 1 { a = $4; if (substr(a, length(a) - length(p) + 1) == p) f = 1 } END { exit !f }`;
  return sh`if [ -n "$ssout" ]; then if printf '%s\\n' "$ssout" | awk -v p=${`:${port}`} ${awk}; then echo ${`port ${port}: listening`}; else echo ${`port ${port}: closed`}; fi; fi`;
}

/** `answer: LINE` per line (at most 20) of what `command` printed, then `answer-exit: N`. */
function answerLines(command: string): string {
  return `out=$( { ${command}; } 2>&1 ); rc=$?; printf '%s${NL}' "$out" | tr -d '\\r' | head -n 20 | sed 's/^/answer: /'; echo "answer-exit: $rc"`;
}

/**
 * Per listening address of the process (on `port` only, when given; at most 5): `answer-at: ADDRESS:PORT`, the
 * first lines of its answer to `HEAD / HTTP/1.0`, `answer-exit: N`; stops at the first HTTP status line. A
 * wildcard address is asked on 127.0.0.1. bash's /dev/tcp: it needs no client the host may lack.
 */
function httpLines(port: number | undefined): string {
  const ask = 'exec 3<>"/dev/tcp/$1/$2" && printf "%b" "$3" >&3 && head -c 1024 <&3';
  const request = String.raw`HEAD / HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
  return [
    'n=0; for e in $eps; do a=${e%:*}; p=${e##*:}',
    port === undefined ? ':' : sh`[ "$p" = ${String(port)} ] || continue`,
    "a=${a#[}; a=${a%]}; a=${a%%%*}; case \"$a\" in 0.0.0.0|'*'|::|'') a=127.0.0.1 ;; esac",
    sh`out=$(timeout 5 bash -c ${ask} http-ask "$a" "$p" ${request} 2>&1); rc=$?`,
    `echo "answer-at: $a:$p"; printf '%s${NL}' "$out" | tr -d '\\r' | head -n 3 | sed 's/^/answer: /'; echo "answer-exit: $rc"`,
    `case "$out" in 'HTTP/1.'[01]' '[0-9][0-9][0-9]*) break ;; esac; n=$((n + 1)); [ $n -ge 5 ] && break; done`,
  ].join('; ');
}

/** The command printing what `judgeService` reads about `c` on one host. */
export function readService(c: ServiceCheck): string {
  const parts = [processReading(c.process), LISTENING, ENDPOINTS];
  if (c.port !== undefined) parts.push(portLine(c.port));
  if (c.answer !== undefined) parts.push(answerLines(c.answer.command));
  if (c.http === true) parts.push(httpLines(c.port));
  return parts.join('; ');
}

/** The check of a service as the runbooks control it (its process, port and answer); `tool` names its answer. */
export function fromSiteService(s: SiteService, tool = 'the answer'): ServiceCheck {
  return {
    name: s.name,
    process: s.process,
    ...(s.port === undefined ? {} : { port: s.port }),
    ...(s.answer === undefined ? {} : { answer: { tool, ...s.answer } }),
  };
}

/** What an evaluator needs of a check (everything but the commands), for `evaluatorArgs`. */
export function serviceArgs(c: ServiceCheck) {
  return {
    name: c.name,
    process: c.process,
    ...(c.port === undefined ? {} : { port: c.port }),
    ...(c.answer === undefined ? {} : { answer: { tool: c.answer.tool, pattern: c.answer.pattern } }),
    ...(c.http === true ? { http: true } : {}),
  };
}

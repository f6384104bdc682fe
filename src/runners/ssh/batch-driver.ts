import { randomBytes } from 'node:crypto';
import { shellQuote } from './shell-quote.ts';

/**
 * The bash driver of batch mode: one exec channel runs a host's whole list of commands, in order.
 *
 * - The commands travel as the driver's positional parameters (each one quoted word; `$0` is `bash`, as for
 *   `bash -c`); the per-batch nonce travels on the channel's stdin, so it is in no command line and no
 *   environment a command could read (and the command's subshell clears it).
 * - Job control (`set -m`) puts each command in a process group of its own: it runs as a background job, a
 *   subshell of the driver that `eval`s it with job control off again (so what it starts stays in its
 *   group), stdin from /dev/null, writing straight into the channel's stdout and stderr (no copy process in
 *   between). The driver waits for it and reports its exit status; `kill -0 -PGID` says whether it left
 *   processes running in its group. A job costs one fork: no `setsid`, no new shell per command.
 * - Frames are single `printf`s (one write each, so never torn by a command's writes), found anywhere in
 *   the streams: `\x1eOGB:<nonce> <kind> <fields>\n`. `H pid` (driver, stderr), `B i` (both streams, before
 *   command i starts), `P i pgid` (stderr, once it runs), `E i status lingering` (both, once it ended),
 *   `Z` (both, the batch is over). The driver's own stderr (bash's job notices) goes to /dev/null.
 * - With stop-on-failure the driver starts nothing after a command that exited non-zero.
 */
const DRIVER = [
  'IFS= read -r n || exit 96',
  'exec 3>&2 2>/dev/null',
  'set -m',
  "case $- in *m*) ;; *) printf '\\036OGB:%s X no-job-control\\n' \"$n\" >&3; exit 97 ;; esac",
  'stop=$1; shift',
  "printf '\\036OGB:%s H %s\\n' \"$n\" \"$$\" >&3",
  'i=0',
  'for c do',
  '  i=$((i+1))',
  "  printf '\\036OGB:%s B %s\\n' \"$n\" \"$i\"; printf '\\036OGB:%s B %s\\n' \"$n\" \"$i\" >&3",
  '  ( set +m; n=; set --; eval "$c" ) </dev/null 2>&3 3>&- &',
  '  p=$!',
  "  printf '\\036OGB:%s P %s %s\\n' \"$n\" \"$i\" \"$p\" >&3",
  '  wait "$p"; s=$?',
  '  l=0; kill -0 -"$p" 2>/dev/null && l=1',
  "  printf '\\036OGB:%s E %s %s %s\\n' \"$n\" \"$i\" \"$s\" \"$l\"; printf '\\036OGB:%s E %s %s %s\\n' \"$n\" \"$i\" \"$s\" \"$l\" >&3",
  '  [ "$s" -ne 0 ] && [ "$stop" = 1 ] && break',
  'done',
  "printf '\\036OGB:%s Z\\n' \"$n\"; printf '\\036OGB:%s Z\\n' \"$n\" >&3",
].join('\n');

/** What precedes every frame's nonce. */
export const FRAME_TAG = '\u001eOGB:';

/**
 * The longest exec command line we send: one argument of the login shell's `-c`, which Linux caps at 128 KiB
 * (MAX_ARG_STRLEN); some room is kept for what the shell adds.
 */
export const MAX_BATCH_COMMAND_LINE = 120_000;

/** A fresh 128-bit nonce (hex) for one batch: unguessable, so no output can forge a frame. */
export function newBatchNonce(): string {
  return randomBytes(16).toString('hex');
}

/** The command line sent to sshd for a batch (the nonce goes on stdin, see `batchStdin`); the host needs bash. */
export function batchCommandLine(commands: readonly string[], stopOnFailure: boolean): string {
  return `exec bash -c ${shellQuote(DRIVER)} bash ${stopOnFailure ? 1 : 0} ${commands.map((c) => shellQuote(c)).join(' ')}`;
}

/** What is written to the batch channel's stdin before it is closed. */
export function batchStdin(nonce: string): string {
  return `${nonce}\n`;
}

import { randomBytes } from 'node:crypto';
import { shellQuote } from '../../core/shell-quote.ts';

/**
 * The bash driver of batch mode: one exec channel runs a host's whole list of commands, in order.
 *
 * - The commands travel as the driver's positional parameters (each one quoted word; `$0` is `bash`, as for
 *   `bash -c`); the per-batch nonce travels on the channel's stdin, so it is in no command line and no
 *   environment a command could read (and the command's subshell unsets it).
 * - Job control (`set -m`) puts each command in a process group of its own: it runs as a background job, a
 *   subshell of the driver that `eval`s it with job control off again (so what it starts stays in its
 *   group) and the driver's variables (all `__og_*`) unset, stdin from /dev/null, writing straight into the
 *   channel's stdout and stderr (no copy process in between). The driver waits for it and reports its exit
 *   status; `kill -0 -PGID` says whether it left processes running in its group. A job costs one fork: no
 *   `setsid`, no new shell per command, except for a command that reads `$$` (see `needsOwnShell`).
 * - Frames are single `printf`s (one write each, so never torn by a command's writes), found anywhere in
 *   the streams: `\x1eOGB:<nonce> <kind> <fields>\n`. `H pid` (driver, stderr), `B i` (both streams, before
 *   command i starts), `P i pgid` (stderr, once it runs), `E i status lingering` (both, once it ended),
 *   `Z` (both, the batch is over). The driver's own stderr (bash's job notices) goes to /dev/null.
 * - With stop-on-failure the driver starts nothing after a command that exited non-zero.
 */
const DRIVER = [
  'IFS= read -r __og_n || exit 96',
  'exec 3>&2 2>/dev/null',
  'set -m',
  'case $- in *m*) ;; *) printf \'\\036OGB:%s X no-job-control\\n\' "$__og_n" >&3; exit 97 ;; esac',
  '__og_stop=$1; shift; __og_i=0',
  'printf \'\\036OGB:%s H %s\\n\' "$__og_n" "$$" >&3',
  'while [ $# -ge 2 ]; do',
  '  __og_m=$1 __og_c=$2; shift 2; __og_i=$((__og_i+1))',
  '  printf \'\\036OGB:%s B %s\\n\' "$__og_n" "$__og_i"; printf \'\\036OGB:%s B %s\\n\' "$__og_n" "$__og_i" >&3',
  '  if [ "$__og_m" = x ]; then bash -c "$__og_c" </dev/null 2>&3 3>&- &',
  '  else ( set +m; unset __og_n __og_m __og_i __og_p __og_s __og_l __og_stop; set --; eval "$__og_c" ) </dev/null 2>&3 3>&- &',
  '  fi',
  '  __og_p=$!',
  '  printf \'\\036OGB:%s P %s %s\\n\' "$__og_n" "$__og_i" "$__og_p" >&3',
  '  wait "$__og_p"; __og_s=$?',
  '  __og_l=0; kill -0 -"$__og_p" 2>/dev/null && __og_l=1',
  '  printf \'\\036OGB:%s E %s %s %s\\n\' "$__og_n" "$__og_i" "$__og_s" "$__og_l"; printf \'\\036OGB:%s E %s %s %s\\n\' "$__og_n" "$__og_i" "$__og_s" "$__og_l" >&3',
  '  [ "$__og_s" -ne 0 ] && [ "$__og_stop" = 1 ] && break',
  'done',
  'printf \'\\036OGB:%s Z\\n\' "$__og_n"; printf \'\\036OGB:%s Z\\n\' "$__og_n" >&3',
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

/**
 * True when a command reads `$$` (or `${$}`): in the driver's subshell that would be the driver's pid, the same
 * for every command of the batch, so such a command gets a fresh `bash -c` of its own (one exec more).
 */
export function needsOwnShell(command: string): boolean {
  return /\$\$|\$\{\$\}/.test(command);
}

/** The command line sent to sshd for a batch (the nonce goes on stdin, see `batchStdin`); the host needs bash. */
export function batchCommandLine(commands: readonly string[], stopOnFailure: boolean): string {
  const args = commands.map((c) => `${needsOwnShell(c) ? 'x' : 'e'} ${shellQuote(c)}`);
  return `exec bash -c ${shellQuote(DRIVER)} bash ${stopOnFailure ? 1 : 0} ${args.join(' ')}`;
}

/** What is written to the batch channel's stdin before it is closed. */
export function batchStdin(nonce: string): string {
  return `${nonce}\n`;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { OpsgateError } from '../../core/opsgate-error.ts';

/** Where the oceanbase-ce RPM installs its upgrade dependency file (the package's prefix is fixed). */
export const DEP_FILE_PATH = 'home/admin/oceanbase/etc/oceanbase_upgrade_dep.yml';

/** A dep file is a few KiB; more than this is not one, and is not kept in memory. */
export const MAX_DEP_FILE_BYTES = 4 * 1024 * 1024;

const RPM_MAGIC = Buffer.from([0xed, 0xab, 0xee, 0xdb]);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const INSTALL_HINT = 'install rpm2cpio and cpio there; on Debian: apt-get install rpm2cpio cpio';

/** How a tool ended: its exit code or signal, the end of what it said on stderr, or why it could not start. */
interface Ended {
  readonly tool: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly error?: NodeJS.ErrnoException;
}

/** Collects at most `max` bytes of `stream`; `over()` says whether it had more (then `onOver` was called once). */
function collect(stream: Readable | null, max: number, onOver: () => void): { bytes(): Buffer; over(): boolean } {
  const parts: Buffer[] = [];
  let size = 0;
  let over = false;
  stream?.on('data', (b: Buffer) => {
    if (over) return;
    if (size + b.length > max) {
      over = true;
      onOver();
      return;
    }
    parts.push(b);
    size += b.length;
  });
  return { bytes: () => Buffer.concat(parts), over: () => over };
}

/** Resolves when `p` has ended or could not start; never rejects. */
function ended(tool: string, p: ChildProcess): Promise<Ended> {
  const stderr = collect(p.stderr, 64 * 1024, () => undefined);
  return new Promise((resolve) => {
    p.once('error', (error: NodeJS.ErrnoException) => resolve({ tool, code: null, signal: null, stderr: '', error }));
    p.once('close', (code, signal) =>
      resolve({
        tool,
        code,
        signal,
        stderr: stderr
          .bytes()
          .toString('utf8')
          .trim()
          .replace(/\s*\n\s*/g, ' / ')
          .slice(0, 500),
      }),
    );
  });
}

const said = (e: Ended) =>
  `${e.tool} ${e.signal === null ? `exited ${e.code}` : `was killed by ${e.signal}`}${e.stderr === '' ? '' : `: ${e.stderr}`}`;

/** The reason for a tool that could not start: not installed (naming it), or the system's error. */
function notStarted(e: Ended): string {
  return e.error?.code === 'ENOENT'
    ? `${e.tool} is not installed on the machine running opsgate (${INSTALL_HINT})`
    : `${e.tool} could not start: ${e.error?.message ?? 'unknown error'}`;
}

/**
 * `rpm2cpio FILE | cpio -i --to-stdout ./<path>`, without a shell and without unpacking anything on disk. rpm2cpio
 * writes straight into cpio's stdin (a pipe between the two tools): the payload, hundreds of MiB decompressed for a
 * real oceanbase-ce, never passes through opsgate; only the dep file does, at most MAX_DEP_FILE_BYTES of it.
 */
async function fromRpm(file: string): Promise<Buffer> {
  const cpio = spawn('cpio', ['-i', '--quiet', '--to-stdout', `./${DEP_FILE_PATH}`], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out = collect(cpio.stdout, MAX_DEP_FILE_BYTES, () => cpio.kill());
  const cpioEnded = ended('cpio', cpio);
  const rpm2cpio = spawn('rpm2cpio', [file], { stdio: ['ignore', cpio.stdin ?? 'ignore', 'pipe'] });
  // rpm2cpio holds the pipe's writing end now; ours must close for cpio to see the end of the payload.
  cpio.stdin?.destroy();
  const [r, c] = await Promise.all([ended('rpm2cpio', rpm2cpio), cpioEnded]);
  for (const e of [r, c]) if (e.error !== undefined) throw new ObPackageUnreadableError(file, notStarted(e), e.error);
  if (out.over())
    throw new ObPackageUnreadableError(
      file,
      `its ${DEP_FILE_PATH} is larger than ${MAX_DEP_FILE_BYTES} bytes, not a dep file`,
    );
  // rpm2cpio killed by SIGPIPE: cpio stopped reading first, and cpio says why.
  if (r.code !== 0 && r.signal !== 'SIGPIPE')
    throw new ObPackageUnreadableError(file, `not a readable RPM, damaged or cut short (${said(r)}; ${said(c)})`);
  if (c.code !== 0 || r.code !== 0)
    throw new ObPackageUnreadableError(file, `its payload cannot be unpacked (${said(c)})`);
  return out.bytes();
}

/** The site lab's package: `tar -xzOf FILE root/<path>`. */
async function fromLabPackage(file: string): Promise<Buffer> {
  const tar = spawn('tar', ['-xzOf', file, `root/${DEP_FILE_PATH}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = collect(tar.stdout, MAX_DEP_FILE_BYTES, () => tar.kill());
  const t = await ended('tar', tar);
  if (t.error !== undefined) throw new ObPackageUnreadableError(file, notStarted(t), t.error);
  if (out.over())
    throw new ObPackageUnreadableError(
      file,
      `its ${DEP_FILE_PATH} is larger than ${MAX_DEP_FILE_BYTES} bytes, not a dep file`,
    );
  if (t.code !== 0) throw new ObPackageUnreadableError(file, `no ${DEP_FILE_PATH} in it (${said(t)})`);
  return out.bytes();
}

/**
 * Reads `etc/oceanbase_upgrade_dep.yml` out of an oceanbase-ce package on the machine running opsgate: a real
 * RPM through `rpm2cpio | cpio`, the site lab's package (a tar.gz named .rpm, see lab/obsim) through `tar`.
 * Throws `ObPackageUnreadableError` naming the file and what is wrong (tool missing, unknown format, damaged
 * package, no dep file).
 */
export async function readUpgradeDepFile(file: string): Promise<string> {
  const head = Buffer.alloc(4);
  try {
    const fh = await open(file, 'r');
    try {
      await fh.read(head, 0, 4, 0);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new ObPackageUnreadableError(file, (e as NodeJS.ErrnoException).code ?? String(e), e);
  }
  let content: Buffer;
  if (head.equals(RPM_MAGIC)) content = await fromRpm(file);
  else if (head.subarray(0, 2).equals(GZIP_MAGIC)) content = await fromLabPackage(file);
  else throw new ObPackageUnreadableError(file, 'neither an RPM nor a lab package');
  if (content.length === 0) throw new ObPackageUnreadableError(file, `no ${DEP_FILE_PATH} in it`);
  return content.toString('utf8');
}

/** The target's package cannot be read for its `oceanbase_upgrade_dep.yml` (missing tool, not an RPM, no dep file). */
export class ObPackageUnreadableError extends OpsgateError {
  readonly code = 'OB_PACKAGE_UNREADABLE';
  constructor(
    readonly file: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`cannot read the upgrade route from ${file}: ${reason}`, {
      fields: { file, reason },
      ...(cause !== undefined ? { cause } : {}),
    });
  }
}

import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { ObPackageUnreadableError } from './route-errors.ts';

/** Where the oceanbase-ce RPM installs its upgrade dependency file (the package's prefix is fixed). */
export const DEP_FILE_PATH = 'home/admin/oceanbase/etc/oceanbase_upgrade_dep.yml';

const RPM_MAGIC = Buffer.from([0xed, 0xab, 0xee, 0xdb]);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** Runs `cmd args`, optionally feeding it another process's stdout; resolves with stdout, rejects with stderr. */
function run(cmd: string, args: readonly string[], input?: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, [...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    p.stdout?.on('data', (b: Buffer) => out.push(b));
    p.stderr?.on('data', (b: Buffer) => errOut.push(b));
    if (input !== undefined && p.stdin !== null) input.pipe(p.stdin);
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${cmd} exited ${code}: ${Buffer.concat(errOut).toString('utf8').trim()}`))));
  });
}

/** `rpm2cpio FILE | cpio -i --to-stdout ./<path>`: the file's content, without unpacking anything on disk. */
async function fromRpm(file: string): Promise<Buffer> {
  const rpm2cpio = spawn('rpm2cpio', [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const failed = new Promise<never>((_, reject) => rpm2cpio.on('error', reject));
  // Raced below; once cpio has answered, a late error of rpm2cpio has nobody left to tell.
  failed.catch(() => undefined);
  return Promise.race([run('cpio', ['-i', '--quiet', '--to-stdout', `./${DEP_FILE_PATH}`], rpm2cpio.stdout), failed]);
}

/**
 * Reads `etc/oceanbase_upgrade_dep.yml` out of an oceanbase-ce package on the machine running opsgate: a real
 * RPM through `rpm2cpio | cpio`, the site lab's package (a tar.gz named .rpm, see lab/obsim) through `tar`.
 * Throws `ObPackageUnreadableError` naming the file and what is wrong (tool missing, unknown format, no dep file).
 */
export async function readUpgradeDepFile(file: string): Promise<string> {
  let head: Buffer;
  try {
    const fh = await open(file, 'r');
    try {
      head = Buffer.alloc(4);
      await fh.read(head, 0, 4, 0);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new ObPackageUnreadableError(file, (e as NodeJS.ErrnoException).code ?? String(e), e);
  }
  let content: Buffer;
  try {
    if (head.equals(RPM_MAGIC)) content = await fromRpm(file);
    else if (head.subarray(0, 2).equals(GZIP_MAGIC)) content = await run('tar', ['-xzOf', file, `root/${DEP_FILE_PATH}`]);
    else throw new ObPackageUnreadableError(file, 'neither an RPM nor a lab package');
  } catch (e) {
    if (e instanceof ObPackageUnreadableError) throw e;
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    const reason = missing
      ? `${(e as { path?: string }).path ?? 'a tool'} is not installed on the machine running opsgate (install rpm2cpio and cpio)`
      : `no ${DEP_FILE_PATH} in it (${e instanceof Error ? e.message : String(e)})`;
    throw new ObPackageUnreadableError(file, reason, e);
  }
  if (content.length === 0) throw new ObPackageUnreadableError(file, `no ${DEP_FILE_PATH} in it`);
  return content.toString('utf8');
}

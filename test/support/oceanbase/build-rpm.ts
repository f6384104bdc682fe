import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A file's content: text, bytes, or that many random (incompressible) bytes, written without holding them. */
export type RpmFileContent = string | Buffer | { readonly randomBytes: number };

/** What `buildRpm` packs: `name`-`version`, `files` (path under / → content), the payload's compressor. */
export interface RpmSpec {
  readonly name: string;
  readonly version: string;
  readonly files: Readonly<Record<string, RpmFileContent>>;
  /** An rpm `_binary_payload`, e.g. `w2.xzdio` (OceanBase's el7/el8 builds) or `w6.gzdio`. */
  readonly payload: string;
}

/** Where `tool` is on PATH, or undefined. */
export function which(tool: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Throws, naming them and how to install them, when rpmbuild, rpm2cpio or cpio is missing: never a skip. */
export function assertRpmTools(): void {
  const missing = ['rpmbuild', 'rpm2cpio', 'cpio'].filter((t) => which(t) === undefined);
  if (missing.length > 0)
    throw new Error(
      `${missing.join(', ')} not installed: run \`bash scripts/setup.sh\` as root (Debian packages rpm, rpm2cpio, cpio)`,
    );
}

function writeContent(file: string, content: RpmFileContent): void {
  if (typeof content === 'string' || Buffer.isBuffer(content)) return writeFileSync(file, content);
  const fd = openSync(file, 'w');
  try {
    const chunk = Buffer.alloc(1024 * 1024);
    for (let left = content.randomBytes; left > 0; left -= chunk.length)
      writeSync(fd, randomFillSync(chunk), 0, Math.min(left, chunk.length));
  } finally {
    closeSync(fd);
  }
}

/**
 * Builds a real RPM with rpmbuild under `dir` (a release shaped as OceanBase's build number, el7, relocatable
 * under /home/admin/oceanbase as oceanbase-ce is); files under a bin/ are executable. Returns the RPM's path.
 */
export function buildRpm(dir: string, spec: RpmSpec): string {
  const work = join(dir, `${spec.name}-${spec.version}-build`);
  const root = join(work, 'root');
  for (const [path, content] of Object.entries(spec.files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeContent(join(root, path), content);
    if (path.includes('/bin/')) chmodSync(join(root, path), 0o755);
  }
  const text = [
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    'Release: 105000012025102019.el7',
    'Summary: an oceanbase-ce-shaped package for opsgate tests',
    'License: Mulan PubL v2',
    'BuildArch: x86_64',
    'Prefix: /home/admin/oceanbase',
    '%description',
    'Test package.',
    '%install',
    'cp -a %{opsgate_root}/. %{buildroot}/',
    '%files',
    ...Object.keys(spec.files).map((p) => `/${p}`),
    '',
  ].join('\n');
  writeFileSync(join(work, 'package.spec'), text);
  const defines = {
    _topdir: join(work, 'top'),
    opsgate_root: root,
    _binary_payload: spec.payload,
    __os_install_post: '%{nil}',
    debug_package: '%{nil}',
    _build_id_links: 'none',
  };
  execFileSync(
    'rpmbuild',
    [
      '-bb',
      '--quiet',
      ...Object.entries(defines).flatMap(([k, v]) => ['--define', `${k} ${v}`]),
      join(work, 'package.spec'),
    ],
    { stdio: 'pipe' },
  );
  const rpms = join(work, 'top', 'RPMS', 'x86_64');
  const built = readdirSync(rpms).find((f) => f.startsWith(`${spec.name}-${spec.version}-`));
  if (built === undefined) throw new Error(`rpmbuild wrote no ${spec.name}-${spec.version} RPM in ${rpms}`);
  return join(rpms, built);
}

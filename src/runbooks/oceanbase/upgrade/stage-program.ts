import { joinPath, resolvePath } from '../../../core/local-path.ts';
import type { PackageFiles } from '../../../core/ports/package-files.ts';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { StepProgram } from '../../../core/ports/runbook.ts';

export const STAGE_PROGRAM = 'ob-upgrade.stage-packages';

/** Where the packages land on every host before any zone is touched. */
export const STAGE_DIR = '/tmp/opsgate-ob';

/** The packages of one target version: the dependencies (`oceanbase-ce-libs`) first, then the server. */
export function packageNames(version: string): { readonly libs: string; readonly server: string } {
  return { libs: `oceanbase-ce-libs-${version}`, server: `oceanbase-ce-${version}` };
}

/** The staged path of a package on a host. */
export function stagedPath(name: string): string {
  return `${STAGE_DIR}/${name}.rpm`;
}

/** Finds `<name>.rpm` or `<name>-<build>.<arch>.rpm` in the package directory. */
export async function findPackage(packages: PackageFiles, dir: string, name: string): Promise<string | undefined> {
  const files = await packages.list(dir);
  const exact = files.find((f) => f === `${name}.rpm`);
  return (
    exact ?? files.find((f) => f.startsWith(`${name}-`) && /^\d/.test(f.slice(name.length + 1)) && f.endsWith('.rpm'))
  );
}

/**
 * Copies both packages of the target version to every host by SFTP, checking each copy's sha256 on the host
 * against the local file, before any zone is stopped. A missing package stops here, with nothing touched.
 */
export const stagePackagesProgram: StepProgram = async (ctx, args) => {
  const version = String(args['version']);
  const packages = String(args['packages']);
  const hosts = ctx.step.targets.kind === 'hosts' ? ctx.step.targets.hosts : [];
  const files = ctx.files;
  if (files === undefined) throw new Error('this engine reads no package directory: packages cannot be staged');
  const dir = resolvePath(ctx.site.baseDir ?? '/', packages);
  const names = packageNames(version);
  const findings: Finding[] = [];
  const local: { name: string; path: string; sha256: string }[] = [];
  for (const name of [names.libs, names.server]) {
    const file = await findPackage(files, dir, name);
    if (file === undefined) {
      return [
        {
          status: 'fail',
          title: `package ${name}`,
          evidence: `no ${name}.rpm in the site's package directory (${packages}); nothing was copied`,
        },
      ];
    }
    const path = joinPath(dir, file);
    local.push({ name, path, sha256: await files.sha256(path) });
  }
  for (const host of hosts) {
    await ctx.remote.exec(host, { command: `mkdir -p ${STAGE_DIR}` });
    for (const p of local) {
      const up = await ctx.remote.upload(host, {
        localPath: p.path,
        remotePath: stagedPath(p.name),
        sha256: p.sha256,
        mode: 0o644,
      });
      findings.push({
        status: 'pass',
        title: `${p.name} staged on ${host}`,
        evidence: `${up.bytes} bytes, sha256 ${up.sha256}`,
        host,
      });
    }
    await ctx.progress(`staged ${local.map((p) => p.name).join(' and ')} on ${host}`);
  }
  return findings;
};

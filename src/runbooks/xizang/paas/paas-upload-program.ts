import { resolvePath } from '../../../core/local-path.ts';
import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import { describeError } from '../../../core/opsgate-error.ts';
import { sh } from '../../../core/shell-quote.ts';
import type { StepProgram } from '../../../core/ports/runbook.ts';

/** The program id of the PaaS upload step. */
export const PAAS_UPLOAD_PROGRAM = 'upgrade-paas.upload';

const Args = z.object({
  packages: z.array(
    z.object({ name: z.string(), source: z.string(), staged: z.string(), sha256: z.string().nullable() }),
  ),
});

/**
 * Uploads every package by SFTP to its staging path on every target host, each verified on the host against its
 * sha256 (the site file's, or the local file's). Staging never touches what runs; a failed upload fails the step.
 */
export const paasUploadProgram: StepProgram = async (ctx, rawArgs) => {
  const { packages } = Args.parse(rawArgs);
  const hosts = ctx.step.targets.kind === 'hosts' ? ctx.step.targets.hosts : [];
  const findings: Finding[] = [];
  for (const host of hosts) {
    const dirs = [...new Set(packages.map((p) => p.staged.slice(0, p.staged.lastIndexOf('/'))))];
    await ctx.remote.exec(host, { command: sh`mkdir -p -m 700 ${dirs}`, check: true });
    for (const p of packages) {
      const localPath = resolvePath(ctx.site.baseDir ?? '/', p.source);
      try {
        const r = await ctx.remote.upload(host, {
          localPath,
          remotePath: p.staged,
          mode: 0o600,
          ...(p.sha256 === null ? {} : { sha256: p.sha256 }),
        });
        findings.push({
          status: 'pass',
          title: `upload ${p.name}`,
          evidence: `${r.remotePath}: ${r.bytes} bytes, sha256 ${r.sha256} verified on the host`,
          host,
        });
      } catch (e) {
        findings.push({
          status: 'fail',
          title: `upload ${p.name}`,
          evidence: `${p.staged}: ${describeError(e)}`,
          host,
        });
      }
    }
    await ctx.progress(`${host}: ${packages.length} package(s) staged`);
  }
  return findings;
};

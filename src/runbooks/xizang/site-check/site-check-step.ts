import type { StepInput } from '../../../core/plan/step-schema.ts';
import type { StepProgram } from '../../../core/ports/runbook.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { requireSpec, hostTargets } from '../shared/xizang-site.ts';
import { compareSite } from './compare-site.ts';
import { readSite } from './read-site.ts';
import { siteCheckFindings } from './site-check-findings.ts';
import { SiteCheckScopeSchema, type SiteCheckScope } from './site-check-scope.ts';

/** The id of `runbook`'s site check program (program ids are global: one per runbook). */
export const siteCheckProgramId = (runbook: string): string => `${runbook}.site-check`;

/**
 * Reads the live site over the run's session (each host's reads over one channel, read-only) and judges what
 * `compareSite` finds against the step's scope (`siteCheckFindings`). Uses the site file the worker loaded, and
 * its lines when it knows them.
 */
export const siteCheckProgram: StepProgram = async (ctx, args) => {
  const scope = SiteCheckScopeSchema.parse(args);
  const spec = requireSpec('site-check', ctx.site);
  const hosts = ctx.step.targets.kind === 'hosts' ? ctx.step.targets.hosts : spec.hosts.map((h) => h.name);
  const reading = await readSite(spec, ctx.remote, hosts);
  return siteCheckFindings(spec, scope, { reading, differences: compareSite(spec, reading) }, ctx.site.source);
};

/** `{ [id]: program }` for a runbook's `programs`. */
export function siteCheckPrograms(runbook: string): Record<string, StepProgram> {
  return { [siteCheckProgramId(runbook)]: siteCheckProgram };
}

/**
 * A run's first step: the whole live site read and compared with its file, as `opsgate sites check` does (its
 * middleware; host keys are the session's own check, OceanBase the OceanBase runbooks'). A check, never batched
 * (a program): a difference in `scope` fails it, so nothing after it runs; one elsewhere is a warning. `advisory`
 * (the precheck): it reports and the run goes on.
 */
export function siteCheckStep(
  runbook: string,
  spec: SiteFile,
  opts: { readonly id: string; readonly title: string; readonly scope: SiteCheckScope; readonly advisory?: boolean },
): Extract<StepInput, { kind: 'check' }> {
  return {
    kind: 'check',
    id: opts.id,
    title: opts.title,
    targets: hostTargets(spec.hosts.map((h) => h.name)),
    program: { id: siteCheckProgramId(runbook), args: { ...opts.scope } },
    ...(opts.advisory === true ? { advisory: true } : {}),
  };
}

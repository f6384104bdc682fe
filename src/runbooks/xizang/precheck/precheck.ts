import { z } from 'zod';
import { RunbookInvalidError } from '../../../core/plan/runbook-errors.ts';
import { hostsInGroup } from '../../../core/sites/resolve-targets.ts';
import { defineRunbook } from '../../../core/ports/runbook.ts';
import { nodeCountsEvaluator } from './node-counts-evaluator.ts';
import { accessEvaluator, csbRedisEvaluator } from './precheck-evaluators.ts';
import { versionsEvaluator } from './versions-evaluator.ts';
import { addressesEvaluator } from './address-findings.ts';
import { addressSteps } from './address-steps.ts';
import { resourcesStep } from './resources-step.ts';
import {
  admDeployedEvaluator,
  admInstancesEvaluator,
  admNamesEvaluator,
  centreAEvaluator,
  dnsRecordsEvaluator,
} from './precheck-evaluators-adm.ts';
import { admSteps, centreAStep, dnsRecordsStep } from './precheck-steps-adm.ts';
import { accessStep, csbRedisStep, versionsStep, type CheckInput } from './precheck-steps.ts';
import { nodeCountsStep } from './node-counts-step.ts';
import { resourcesEvaluator } from './resources-document.ts';
import { requireSpec } from '../shared/xizang-site.ts';
import { siteCheckPrograms, siteCheckStep } from '../site-check/site-check-step.ts';

/** The runbook id `/precheck <site>` runs. */
export const PRECHECK_RUNBOOK = 'precheck';

/**
 * `/precheck <site>`: the 11 items of 整体检查步骤, each an advisory check reporting pass / fail / warn / manual with
 * its evidence (a failing item never hides the ones after it), then the middleware resources document as Markdown
 * and CSV attachments. Item 1 (the site's resources against the knowledge base) is first the live site against its
 * site file (`sites check`), then access and credentials. Only reads: nothing on a host is changed.
 */
export const precheck = defineRunbook({
  id: PRECHECK_RUNBOOK,
  title: 'Site precheck (整体检查步骤, 11 items) and the middleware resources document',
  args: z.object({}),
  build(site) {
    const spec = requireSpec(PRECHECK_RUNBOOK, site);
    const paasHosts =
      spec.paas === undefined
        ? []
        : [
            ...new Set([
              ...(spec.paas.hosts ?? []),
              ...(spec.paas.groups ?? []).flatMap((g) => hostsInGroup(spec, g).map((h) => h.name)),
            ]),
          ];
    if (spec.paas === undefined || paasHosts.length === 0) {
      throw new RunbookInvalidError(
        PRECHECK_RUNBOOK,
        'p02-versions',
        `site ${spec.id} has no paas section with hosts: add paas.groups or paas.hosts to the site file`,
      );
    }
    const steps: CheckInput[] = [
      siteCheckStep(PRECHECK_RUNBOOK, spec, {
        id: 'p01-site-check',
        title: '1. The site against the knowledge base: every host and middleware instance as the site file says',
        scope: { what: 'the site', sections: [[]], hosts: spec.hosts.map((h) => h.name) },
        advisory: true,
      }),
      accessStep(spec),
      versionsStep(spec.paas, paasHosts),
      csbRedisStep(spec),
      nodeCountsStep(spec),
      ...admSteps(spec),
      centreAStep(spec),
      ...[dnsRecordsStep(spec)].filter((s): s is CheckInput => s !== undefined),
      ...addressSteps(spec, spec.paas, paasHosts),
      resourcesStep(spec),
    ];
    return { runbook: PRECHECK_RUNBOOK, site: site.name, title: `Precheck of site ${spec.id}`, args: {}, steps };
  },
  evaluators: {
    'precheck.access': accessEvaluator,
    'precheck.versions': versionsEvaluator,
    'precheck.csb-redis': csbRedisEvaluator,
    'precheck.node-counts': nodeCountsEvaluator,
    'precheck.adm-deployed': admDeployedEvaluator,
    'precheck.adm-names': admNamesEvaluator,
    'precheck.adm-instances': admInstancesEvaluator,
    'precheck.centre-a': centreAEvaluator,
    'precheck.dns-records': dnsRecordsEvaluator,
    'precheck.addresses': addressesEvaluator,
    'precheck.resources': resourcesEvaluator,
  },
  programs: siteCheckPrograms(PRECHECK_RUNBOOK),
});

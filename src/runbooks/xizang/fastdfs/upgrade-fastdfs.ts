import { z } from 'zod';
import { RunbookInvalidError } from '../../../core/plan/runbook-errors.ts';
import type { Probe, StepInput } from '../../../core/plan/step-schema.ts';
import { defineRunbook } from '../../../core/ports/runbook.ts';
import { sh } from '../../../core/shell-quote.ts';
import { addressOf, hostTargets, requireSpec } from '../shared/xizang-site.ts';
import { downloadPairStep, downloadProbes } from './download-steps.ts';
import { trackerAnswersProbe } from './fdfs-checks.ts';
import { fdfsLayout, RUNBOOK, type FdfsLayout } from './fdfs-layout.ts';
import { inspectStep, recordStep, trackerSteps } from './fastdfs-steps.ts';
import { storageSteps } from './storage-steps.ts';
import { siteCheckPrograms, siteCheckStep } from '../site-check/site-check-step.ts';

/**
 * The new instance as the software shows it: every tracker asked itself (fdfs_monitor against the storage's own
 * storage.conf, `-h` that tracker) answers, with every storage ACTIVE; the download pair serves the recorded files
 * through its VIP. The count of trackers alive is the number that answered for themselves, never a config's list.
 */
function verifyStep(l: FdfsLayout): StepInput {
  const { f, spec } = l;
  const host = f.storage.hosts[0] ?? '';
  const storages = f.storage.hosts.map((h) => addressOf(spec, h));
  const asks: Probe[] = l.trackers.map((t) => trackerAnswersProbe(l, t, storages, host));
  return {
    kind: 'check',
    id: 'f99-verify',
    title: `Verify ${f.name}: each of the ${l.trackers.length} trackers answers with the ${storages.length} storage(s) of ${f.storage.group} ACTIVE${f.download ? `, downloads through ${f.download.vip}` : ''}`,
    targets: hostTargets([host]),
    commands: [
      {
        host,
        command: sh`echo ${`${l.trackers.length} trackers to ask: ${l.trackers.map((t) => t.address).join(' ')}`}`,
      },
    ],
    verify: [...asks, ...downloadProbes(l)],
  };
}

/**
 * `/upgrade <site> fastdfs`: first a check that the site file says what FastDFS's own config files say; trackers
 * (all of them in one ADM instance, the new one included), then the download pair with its VIP, then the storages
 * one host at a time, the stored files copied into ADM's layout and compared (count and checksums) with the record
 * taken before; at the end every tracker is asked for itself.
 */
export const upgradeFastdfs = defineRunbook({
  id: RUNBOOK,
  title: 'Redeploy FastDFS through ADM: three trackers, the download pair, then the storages one at a time',
  args: z.object({ instance: z.string().min(1).optional() }),
  build(site, { instance }) {
    const spec = requireSpec(RUNBOOK, site);
    const f =
      instance === undefined ? spec.middleware.fastdfs[0] : spec.middleware.fastdfs.find((x) => x.name === instance);
    if (f === undefined)
      throw new RunbookInvalidError(
        RUNBOOK,
        undefined,
        `site ${spec.id} has no FastDFS${instance === undefined ? '' : ` named ${instance}`} in middleware.fastdfs`,
      );
    const l = fdfsLayout(spec, f);
    const index = spec.middleware.fastdfs.indexOf(f);
    const tracker = trackerSteps(l);
    const download = downloadPairStep(l);
    const first = download === undefined ? 6 : 7;
    const storages = f.storage.hosts.flatMap((h, i) => storageSteps(l, h, i, first));
    // Every backup path is checked first too: one already there stops the run before anything is touched.
    const early = [...tracker, ...storages].flatMap((s) =>
      s.kind === 'action' && s.id.includes('backup')
        ? (s.preconditions ?? []).filter((p) => p.kind === 'path-absent' || p.kind === 'path-exists')
        : [],
    );
    return {
      runbook: RUNBOOK,
      site: site.name,
      title: `Upgrade FastDFS ${f.name} at ${spec.id} through ADM`,
      args: instance === undefined ? {} : { instance },
      steps: [
        siteCheckStep(RUNBOOK, spec, {
          id: 'f00-site-check',
          title: `The live site against the site file: any difference in ${f.name} or on its hosts stops the run here`,
          scope: {
            what: `${f.name} (middleware.fastdfs[${index}]) and its hosts`,
            sections: [['middleware', 'fastdfs', index]],
            hosts: [
              ...new Set([
                ...f.tracker.hosts,
                ...f.storage.hosts,
                ...(f.nginx?.hosts ?? []),
                ...(f.download?.hosts ?? []),
                ...(f.newTracker === undefined ? [] : [f.newTracker.host]),
              ]),
            ],
          },
        }),
        inspectStep(l, early),
        recordStep(l),
        ...tracker,
        ...(download === undefined ? [] : [download]),
        ...storages,
        verifyStep(l),
      ],
    };
  },
  programs: siteCheckPrograms(RUNBOOK),
});

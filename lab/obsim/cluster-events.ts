import type { Connection } from 'mysql2/promise';

/** The upgrade stages OceanBase records in its cluster event history (module UPGRADE). */
export type UpgradeEvent = 'BEGIN_UPGRADE' | 'END_UPGRADE' | 'BEGIN_ROLLING_UPGRADE' | 'END_ROLLING_UPGRADE';

/**
 * Records an upgrade stage in `__all_cluster_event_history` (DBA_OB_CLUSTER_EVENT_HISTORY) as OceanBase's
 * RootService does when the statement runs, before the stage's parameters change: BEGIN/END_UPGRADE and
 * BEGIN_ROLLING_UPGRADE name the cluster version then (`cluster_version`) and the build; END_ROLLING_UPGRADE
 * names the new cluster version (`running`, the oldest version the observers run), the one before it
 * (`ori_cluster_version`) and the build.
 */
export async function recordUpgradeEvent(
  db: Connection,
  event: UpgradeEvent,
  running: string,
  build: string,
): Promise<void> {
  const [rows] = await db.query("select value from __opsgate_parameter where name = 'min_observer_version' limit 1");
  const cluster = String((rows as { value?: string }[])[0]?.value ?? running);
  const pairs: [string, string][] =
    event === 'END_ROLLING_UPGRADE'
      ? [
          ['cluster_version', running],
          ['ori_cluster_version', cluster],
          ['build_version', build],
        ]
      : [
          ['cluster_version', cluster],
          ['build_version', build],
        ];
  const cols = pairs.flatMap((_, i) => [`name${i + 1}`, `value${i + 1}`]);
  await db.query(
    `insert into __all_cluster_event_history (gmt_create, module, event, ${cols.join(', ')}) values (now(6), 'UPGRADE', ?, ${cols.map(() => '?').join(', ')})`,
    [event, ...pairs.flat()],
  );
}

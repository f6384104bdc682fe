import { err, ok, type Result } from '../../../core/result.ts';
import { MAJOR_MERGE_POLLS } from '../health/health-checks.ts';
import { compareObVersions, obVersion, parseObVersion } from '../shared/ob-version.ts';
import type { ObPoll } from '../health/ob-poll.ts';
import { clusterParameterSync, TENANT_SCOPE_SQL, tenantParameterSync, type TenantScope } from './parameter-sync.ts';
import { sqlString, validVersionText } from '../shared/sql-literal.ts';
import { describeGate, gateAllows, type VersionGate } from '../shared/version-gate.ts';

const SOURCE = 'upgrade_pre.py special_action';

/** The cluster version special_action decides on (the script's `fetch_observer_version`). */
export const CURRENT_VERSION_SQL =
  "select distinct value from oceanbase.__all_virtual_sys_parameter_stat where name='min_observer_version'";

/** One thing special_action does, in order: statements then their wait, a fixed pause, or a wait alone. */
export type SpecialOp =
  | { readonly kind: 'sql'; readonly statements: readonly string[]; readonly waits: readonly ObPoll[] }
  | { readonly kind: 'settle'; readonly seconds: number; readonly why: string };

/** What special_action runs for the cluster versions inside `gate`; a same-version upgrade runs nothing. */
export interface SpecialActionVariant {
  readonly id: string;
  readonly gate: VersionGate;
  /** The gate in words, e.g. `cluster version >= 4.2.1.0 and < 4.3.5.5`. */
  readonly when: string;
  readonly ops: readonly SpecialOp[];
}

const v = (t: string) => obVersion(t);
const before = (a: string, b: string) => compareObVersions(v(a), v(b)) < 0;

function setCluster(name: string, value: string): SpecialOp {
  return {
    kind: 'sql',
    statements: [`alter system set ${name} = ${sqlString(value)}`],
    waits: [clusterParameterSync(name, value, SOURCE)],
  };
}

function setTenants(name: string, value: string, scopes: readonly TenantScope[]): SpecialOp {
  return {
    kind: 'sql',
    statements: scopes.map((s) => `alter system set ${name} = ${sqlString(value)} tenant = ${sqlString(s)}`),
    waits: [
      tenantParameterSync(
        name,
        value,
        SOURCE,
        scopes.includes('all')
          ? undefined
          : { label: scopes.join('+'), sql: scopes.map((s) => TENANT_SCOPE_SQL[s]).join(' union ') },
      ),
    ],
  };
}

/**
 * The statements of special_action for a cluster at version `current` upgraded to `target`, in the script's
 * order: cross-version only (current != target): enable_ddl, enable_major_freeze, _enable_adaptive_compaction per
 * tenant scope (one `tenant = 'all'` below 4.2.1.0), _ob_enable_direct_load, the settle, the major-merge check
 * (600 s), suspend merge per scope; `_bloom_filter_enabled` when crossing 4.2.0.0; enable_rebalance (cluster-level
 * below 4.2, else the sys tenant). Every parameter change waits until every server shows it.
 */
export function specialActionOps(current: string, target: string, settleSec: number): readonly SpecialOp[] {
  if (compareObVersions(v(current), v(target)) === 0) return [];
  const scopes: readonly TenantScope[] = before(current, '4.2.1.0') ? ['all'] : ['sys', 'all_user', 'all_meta'];
  const merge = MAJOR_MERGE_POLLS.map((p) => ({
    ...p,
    id: `special-${p.id}`,
    timeout: { kind: 'fixed' as const, seconds: 600 },
    source: SOURCE,
  }));
  const ops: SpecialOp[] = [
    setCluster('enable_ddl', 'False'),
    setCluster('enable_major_freeze', 'False'),
    setTenants('_enable_adaptive_compaction', 'False', scopes),
    setCluster('_ob_enable_direct_load', 'False'),
    {
      kind: 'settle',
      seconds: settleSec,
      why: 'lets the storage schedulers notice that major freezes and adaptive compaction are off',
    },
    { kind: 'sql', statements: [], waits: merge },
    { kind: 'sql', statements: scopes.map((s) => `alter system suspend merge tenant = ${s}`), waits: [] },
  ];
  if (before(current, '4.2.0.0') && !before(target, '4.2.0.0'))
    ops.push(setTenants('_bloom_filter_enabled', 'False', ['all']));
  ops.push(
    before(current, '4.2.0.0')
      ? setCluster('enable_rebalance', 'False')
      : setTenants('enable_rebalance', 'False', ['sys']),
  );
  return ops;
}

/** The version ranges whose statements differ, each with a representative version inside it. */
const RANGES: readonly {
  readonly id: string;
  readonly atLeast?: string;
  readonly below?: string;
  readonly sample: string;
}[] = [
  { id: 'from-4.2.1-or-later', atLeast: '4.2.1.0', sample: '4.2.1.0' },
  { id: 'from-4.2.0', atLeast: '4.2.0.0', below: '4.2.1.0', sample: '4.2.0.0' },
  { id: 'from-before-4.2', below: '4.2.0.0', sample: '4.1.0.0' },
];

/**
 * Every variant special_action can take on the way to `target`, for the plan: the cluster versions older than the
 * target fall in one of the ranges (4.2.1.0 and later, 4.2.0.x, before 4.2), and the target itself is the
 * same-version variant that changes nothing. The run reads the cluster version and takes the variant it is in.
 */
export function specialActionVariants(
  target: string,
  settleSec: number,
): Result<readonly SpecialActionVariant[], string> {
  const t = validVersionText(target);
  if (!t.ok) return err(t.error);
  const out: SpecialActionVariant[] = [
    { id: 'same-version', gate: { on: 'cluster', atLeast: t.value }, when: `cluster version = ${t.value}`, ops: [] },
  ];
  for (const r of RANGES) {
    if (!before(r.sample, t.value)) continue;
    const below = r.below === undefined || before(t.value, r.below) ? t.value : r.below;
    const gate: VersionGate = { on: 'cluster', ...(r.atLeast !== undefined ? { atLeast: r.atLeast } : {}), below };
    out.push({ id: r.id, gate, when: describeGate(gate), ops: specialActionOps(r.sample, t.value, settleSec) });
  }
  return ok(out);
}

/**
 * The variant for the cluster's version as read from `CURRENT_VERSION_SQL`: exactly one value, a valid version,
 * not newer than the target. Anything else is an error that names what was read.
 */
export function pickVariant(
  variants: readonly SpecialActionVariant[],
  values: readonly string[],
  target: string,
): Result<SpecialActionVariant, string> {
  if (values.length !== 1)
    return err(`min_observer_version is not the same on every server (${values.join(', ') || 'no rows'})`);
  const cur = parseObVersion(values[0] ?? '');
  if (!cur.ok) return err(`min_observer_version ${JSON.stringify(values[0])} is not a version`);
  if (compareObVersions(cur.value, v(target)) > 0)
    return err(`the cluster version ${cur.value.text} is newer than the target ${target}`);
  const hit =
    compareObVersions(cur.value, v(target)) === 0
      ? variants.find((x) => x.id === 'same-version')
      : variants.find((x) => x.id !== 'same-version' && gateAllows(x.gate, cur.value));
  return hit === undefined ? err(`no special_action variant covers cluster version ${cur.value.text}`) : ok(hit);
}

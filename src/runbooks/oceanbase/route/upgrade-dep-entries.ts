import { err, ok, type Result } from '../../../core/result.ts';

/**
 * One entry of `etc/oceanbase_upgrade_dep.yml` (shipped in every oceanbase-ce RPM): a released version, the
 * versions it can be upgraded to directly, whether it is deprecated (a start or a step, never a target), and
 * whether an upgrade passing through it must install its binary (`require_from_binary`, a "barrier"),
 * possibly only when coming from some versions or going to some.
 */
export interface UpgradeDepEntry {
  /** `a.b.c.d`, or `a.b.c.d-<build>` for one build of it. */
  readonly version: string;
  readonly canBeUpgradedTo: readonly string[];
  readonly deprecated: boolean;
  readonly requireFromBinary: boolean;
  /** The barrier holds only when the upgrade starts at one of these (absent: from anywhere). */
  readonly whenComeFrom?: readonly string[];
  /** The barrier holds only when the upgrade goes to one of these (absent: to anywhere). */
  readonly whenUpgradedTo?: readonly string[];
}

const VERSION = /^\d+\.\d+\.\d+\.\d+(-\d+)?$/;

function versionList(v: unknown, where: string): Result<string[], string> {
  if (v === undefined || v === null) return ok([]);
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const item of list) {
    const s = String(item).trim();
    if (!VERSION.test(s)) return err(`${where}: "${s}" is not a version a.b.c.d or a.b.c.d-build`);
    out.push(s);
  }
  return ok(out);
}

function isTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && /^true$/i.test(v));
}

function entryOf(raw: unknown, i: number): Result<UpgradeDepEntry, string> {
  const where = `entry ${i + 1}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return err(`${where}: not a mapping`);
  const e = raw as Record<string, unknown>;
  const version = String(e['version'] ?? '').trim();
  if (!VERSION.test(version)) return err(`${where}: version "${version}" is not a.b.c.d or a.b.c.d-build`);
  const to = versionList(e['can_be_upgraded_to'], `${where} (${version}) can_be_upgraded_to`);
  if (!to.ok) return to;
  const rfb = e['require_from_binary'];
  let requireFromBinary = isTrue(rfb);
  let whenComeFrom: string[] | undefined;
  let whenUpgradedTo: string[] | undefined;
  if (rfb !== null && typeof rfb === 'object' && !Array.isArray(rfb)) {
    const r = rfb as Record<string, unknown>;
    requireFromBinary = isTrue(r['value']);
    if (r['when_come_from'] !== undefined && r['when_upgraded_to'] !== undefined) {
      return err(`${where} (${version}) require_from_binary: when_come_from and when_upgraded_to cannot both be given`);
    }
    if (r['when_come_from'] !== undefined) {
      const l = versionList(r['when_come_from'], `${where} (${version}) when_come_from`);
      if (!l.ok) return l;
      whenComeFrom = l.value;
    }
    if (r['when_upgraded_to'] !== undefined) {
      const l = versionList(r['when_upgraded_to'], `${where} (${version}) when_upgraded_to`);
      if (!l.ok) return l;
      whenUpgradedTo = l.value;
    }
  }
  return ok({
    version,
    canBeUpgradedTo: to.value,
    deprecated: isTrue(e['deprecated']),
    requireFromBinary,
    ...(whenComeFrom !== undefined ? { whenComeFrom } : {}),
    ...(whenUpgradedTo !== undefined ? { whenUpgradedTo } : {}),
  });
}

/**
 * The entries of an `oceanbase_upgrade_dep.yml`, from the YAML document as data (`PackageFiles.readUpgradeDep`);
 * the error names the entry and the field that is wrong.
 */
export function upgradeDepEntries(doc: unknown): Result<UpgradeDepEntry[], string> {
  if (!Array.isArray(doc)) return err('not a list of version entries');
  const out: UpgradeDepEntry[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of doc.entries()) {
    const e = entryOf(raw, i);
    if (!e.ok) return e;
    if (seen.has(e.value.version)) return err(`entry ${i + 1}: version ${e.value.version} is listed twice`);
    seen.add(e.value.version);
    out.push(e.value);
  }
  return ok(out);
}

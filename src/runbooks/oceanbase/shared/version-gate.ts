import { compareObVersions, obVersion, type ObVersion } from './ob-version.ts';

/**
 * A version gate as upgrade_checker.py codes it, on the cluster version (`min_observer_version`) or the data
 * version (`compatible`): the check runs when the version is `>= atLeast` (if given) and `< below` (if given).
 * Plain data, so that a plan can show why a check was skipped.
 */
export interface VersionGate {
  readonly on: 'cluster' | 'data';
  readonly atLeast?: string;
  readonly below?: string;
}

/** True when `version` is inside the gate, comparing numerically. */
export function gateAllows(gate: VersionGate, version: ObVersion): boolean {
  if (gate.atLeast !== undefined && compareObVersions(version, obVersion(gate.atLeast)) < 0) return false;
  if (gate.below !== undefined && compareObVersions(version, obVersion(gate.below)) >= 0) return false;
  return true;
}

/** A human reading of the gate, e.g. `cluster version < 4.1.0.0`. */
export function describeGate(gate: VersionGate): string {
  const name = gate.on === 'cluster' ? 'cluster version' : 'data version';
  const parts: string[] = [];
  if (gate.atLeast !== undefined) parts.push(`>= ${gate.atLeast}`);
  if (gate.below !== undefined) parts.push(`< ${gate.below}`);
  return `${name} ${parts.join(' and ')}`;
}

import { LabCommandError, LabOptionError } from './lab-errors.ts';
import { validateLabRef } from './lab-ref.ts';
import { readLabInfo, type LabInfo } from './read-lab-info.ts';
import { runLabScript, tail } from './run-lab-script.ts';

/** Which lab to bring up: the Xizang topology, or `bare` sshd-only hosts b001…(at most 200). */
export interface LabUpOptions {
  readonly prefix: string;
  readonly net: string;
  readonly bare?: number;
  /** Real-deployment variants (`NAME` or `NAME@HOST`, lab/variants); default: OPSGATE_LAB_VARIANTS, else none. */
  readonly variants?: readonly string[];
  /** Roles to leave out (plain sshd hosts where they were); default: OPSGATE_LAB_SKIP_ROLES, else none. */
  readonly skipRoles?: readonly string[];
  /** `inherit` streams the controller's progress (the CLI); the default collects it for the error message. */
  readonly output?: 'inherit' | 'capture';
}

/**
 * Brings a lab up and waits for every health gate; idempotent (a healthy lab is left as it is, a half-made
 * one is rebuilt). Throws `LabCommandError` naming the failing gate.
 */
export async function labUp(opts: LabUpOptions): Promise<LabInfo> {
  const ref = validateLabRef({ prefix: opts.prefix, net: opts.net, bare: opts.bare !== undefined });
  if (opts.bare !== undefined && !(Number.isInteger(opts.bare) && opts.bare >= 1 && opts.bare <= 200)) {
    throw new LabOptionError('bare', String(opts.bare), 'must be a host count from 1 to 200');
  }
  const args = [
    'up',
    ...(opts.bare === undefined ? [] : ['--bare', String(opts.bare)]),
    ...(opts.variants === undefined || opts.variants.length === 0 ? [] : ['--variant', opts.variants.join(',')]),
  ];
  const env = opts.skipRoles === undefined ? {} : { OPSGATE_LAB_SKIP_ROLES: opts.skipRoles.join(',') };
  const res = await runLabScript(ref, args, { output: opts.output ?? 'capture', env });
  if (res.exitCode !== 0) throw new LabCommandError(args.join(' '), res.exitCode, tail(res.stderr));
  return readLabInfo(ref);
}

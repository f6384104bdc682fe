import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { LabOptionError } from './lab-errors.ts';

/** Which lab: the name prefix of its namespaces and links, and its /24 as three octets (`10.77.0`). */
export interface LabRef {
  readonly prefix: string;
  readonly net: string;
  /** The bare (sshd-only) lab that belongs to this prefix: prefix `<prefix>b`, the next /24. */
  readonly bare?: boolean;
}

/** The defaults of `opsgate lab` (the demo lab); the test suite's global setup uses `ogt` / `10.77.100`. */
export const DEFAULT_LAB: LabRef = { prefix: 'og', net: '10.77.0' };

/** The repository root, where `lab/` lives and the state dir `.opsgate/lab/<prefix>/` is made. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Reads `OPSGATE_LAB_PREFIX` / `OPSGATE_LAB_NET`, falling back to `fallback`, and validates them. */
export function labRefFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  fallback: LabRef = DEFAULT_LAB,
): LabRef {
  return validateLabRef({
    prefix: env.OPSGATE_LAB_PREFIX || fallback.prefix,
    net: env.OPSGATE_LAB_NET || fallback.net,
  });
}

/** Checks a lab's prefix and net with the same rules as lab/lab.sh, naming the bad one. */
export function validateLabRef(ref: LabRef): LabRef {
  if (!/^[a-z][a-z0-9]{0,5}$/.test(ref.prefix)) {
    throw new LabOptionError(
      'OPSGATE_LAB_PREFIX',
      ref.prefix,
      'must be 1-6 lowercase letters or digits, starting with a letter',
    );
  }
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ref.net);
  if (!octets || octets.slice(1).some((o) => Number(o) > 255)) {
    throw new LabOptionError('OPSGATE_LAB_NET', ref.net, 'must be the first three octets of a /24, like 10.77.0');
  }
  return ref;
}

/** The prefix and net the lab really uses: for a bare lab `<prefix>b` and the third octet plus one. */
export function effectiveLab(ref: LabRef): { prefix: string; net: string } {
  if (!ref.bare) return { prefix: ref.prefix, net: ref.net };
  const [a, b, c] = ref.net.split('.').map(Number) as [number, number, number];
  if (c >= 255)
    throw new LabOptionError('OPSGATE_LAB_NET', ref.net, 'a bare lab uses the next /24 and there is none after .255');
  return { prefix: `${ref.prefix}b`, net: `${a}.${b}.${c + 1}` };
}

/** The lab's state dir: `.opsgate/lab/<prefix>/` under the repo root. */
export function labStateDir(ref: LabRef): string {
  return path.join(REPO_ROOT, '.opsgate', 'lab', effectiveLab(ref).prefix);
}

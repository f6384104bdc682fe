import { LabCommandError } from './lab-errors.ts';
import { validateLabRef, type LabRef } from './lab-ref.ts';
import { runLabScript, tail } from './run-lab-script.ts';

/** Plugs a host into the lab bridge (`up`) or unplugs it (`down`): a network partition that ssh sees as unreachable. */
export async function labLink(ref: LabRef, host: string, state: 'up' | 'down'): Promise<void> {
  validateLabRef(ref);
  const res = await runLabScript(ref, ['link', host, state]);
  if (res.exitCode !== 0) throw new LabCommandError(`link ${host} ${state}`, res.exitCode, tail(res.stderr));
}

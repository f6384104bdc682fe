import { LabCommandError } from './lab-errors.ts';
import { validateLabRef, type LabRef } from './lab-ref.ts';
import { runLabScript, tail } from './run-lab-script.ts';

/**
 * Removes every namespace, link, process and mount of the lab `ref` (`bare: true` for its bare lab), and its state dir.
 */
export async function labDown(ref: LabRef, output: 'inherit' | 'capture' = 'capture'): Promise<void> {
  validateLabRef(ref);
  const args = ref.bare ? ['down', '--bare'] : ['down'];
  const res = await runLabScript(ref, args, { output });
  if (res.exitCode !== 0) throw new LabCommandError(args.join(' '), res.exitCode, tail(res.stderr));
}

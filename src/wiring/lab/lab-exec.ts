import { LabOptionError } from './lab-errors.ts';
import { validateLabRef, type LabRef } from './lab-ref.ts';
import { runLabScript, type LabScriptResult } from './run-lab-script.ts';

/**
 * Runs `argv` inside a lab host through nsenter (no ssh), as root with a clean environment. The argv is passed
 * as is, never through a shell on the controller. A non-zero exit is a result, not an error.
 */
export async function labExec(
  ref: LabRef,
  host: string,
  argv: readonly string[],
  opts: { input?: string; output?: 'inherit' | 'capture' } = {},
): Promise<LabScriptResult> {
  validateLabRef(ref);
  if (argv.length === 0) throw new LabOptionError('argv', '', 'give a command to run on the host');
  return runLabScript(ref, ['exec', host, '--', ...argv], opts);
}

import { describeError } from '../opsgate-error.ts';
import type { EngineDeps } from './engine-deps.ts';
import type { ExecuteStepInput } from './execute-step.ts';

/**
 * How `executeStep` keeps a host's long output for one step of a run: `{ storeOutput }` to spread into its
 * input, or nothing when the deployment stores no output. A failure to store is logged and leaves the tail only: losing
 * the
 * file must not fail a step that ran.
 */
export function outputStorer(
  deps: Pick<EngineDeps, 'artefacts' | 'log'>,
  at: { readonly site: string; readonly runId: string; readonly stepId: string },
): Pick<ExecuteStepInput, 'storeOutput'> {
  const { artefacts } = deps;
  if (artefacts === undefined) return {};
  return {
    storeOutput: async (host, stdout, stderr) => {
      try {
        return await artefacts.put({ ...at, host }, stdout, stderr);
      } catch (e) {
        deps.log.warn({ ...at, host, err: describeError(e) }, 'step output not stored');
        return undefined;
      }
    },
  };
}

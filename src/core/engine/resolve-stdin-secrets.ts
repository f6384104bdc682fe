import { describeError } from '../opsgate-error.ts';
import type { SecretSource } from '../ports/secrets.ts';
import { StepSecretError } from './engine-errors.ts';
import type { ExecutableStep } from '../plan/step-schema.ts';
import { stdinSecretNames } from '../plan/describe-command.ts';

/**
 * Secrets on stdin: a step's command names secrets (`stdin: { secrets: [...] }`); right before the step runs,
 * the worker resolves them through the `SecretSource` port, has the session redact them, and writes them to the
 * command's stdin, one per line. Only names are ever stored or shown (`<secret: name>`).
 */

/**
 * Resolves every secret the step reads on stdin and hands each value to `learn` (the session's redactor) before
 * anything runs. Throws `StepSecretError` naming the step and the secret.
 */
export async function resolveStdinSecrets(
  source: SecretSource | undefined,
  site: string,
  step: ExecutableStep,
  learn: (value: string) => void,
): Promise<ReadonlyMap<string, string>> {
  const values = new Map<string, string>();
  for (const name of stdinSecretNames(step)) {
    if (source === undefined) throw new StepSecretError(step.id, name, 'this worker has no secret source');
    let value: string;
    try {
      value = await source.resolve(site, name);
    } catch (e) {
      throw new StepSecretError(step.id, name, describeError(e), e);
    }
    learn(value);
    if (/[\r\n]/.test(value))
      throw new StepSecretError(step.id, name, 'the value spans several lines; stdin carries one line per secret');
    values.set(name, value);
  }
  return values;
}

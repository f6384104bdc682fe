import type { ExecutableStep, HostCommand } from './step-schema.ts';

/** The commands of a step that run on hosts (a manual step's stand-in included). */
function commandsOf(step: ExecutableStep): readonly HostCommand[] {
  return [...step.commands, ...(step.kind === 'manual' ? (step.standIn ?? []) : [])];
}

/** Every secret name the step's commands read on stdin, once each. */
export function stdinSecretNames(step: ExecutableStep): string[] {
  return [...new Set(commandsOf(step).flatMap((c) => c.stdin?.secrets ?? []))];
}

/** How a command is shown in a dry run or a gate: the command, and what it gets on stdin (names only). */
export function describeCommand(c: HostCommand): string {
  return c.stdin === undefined
    ? c.command
    : `${c.command}  [stdin: ${c.stdin.secrets.map((s) => `<secret: ${s}>`).join(', ')}]`;
}

/** The stdin text of a command, from resolved values. */
export function stdinText(c: HostCommand, values: ReadonlyMap<string, string>): string | undefined {
  return c.stdin?.secrets.map((s) => `${values.get(s) ?? ''}\n`).join('');
}

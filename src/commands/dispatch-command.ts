import { assertNever } from '../core/result.ts';
import { handleAudit } from './audit-handler.ts';
import { parseCommand } from './parse-command.ts';
import { handlePrecheck } from './precheck-handler.ts';
import type { CommandContext, CommandDeps, CommandReply } from '../core/ports/chat-engine.ts';
import { handleRollback } from './rollback-handler.ts';
import { handleRuns } from './runs-handler.ts';
import { refused } from './require-site-channel.ts';
import { handleShow } from './show-handler.ts';
import { handleUpgrade } from './upgrade-handler.ts';

/**
 * Parses one command line and runs its handler. `console` enables the console-only commands. Errors thrown by
 * the engine (transport failures) propagate to the adapter's error boundary.
 */
export async function dispatchCommand(
  deps: CommandDeps,
  ctx: CommandContext,
  line: string,
  opts: { readonly console?: boolean } = {},
): Promise<CommandReply> {
  const parsed = parseCommand(line, {
    sites: deps.sites,
    ...(deps.runIdPattern === undefined ? {} : { runIdPattern: deps.runIdPattern }),
    ...(opts.console === undefined ? {} : { console: opts.console }),
  });
  if (!parsed.ok) return refused(parsed.error.message);
  const cmd = parsed.value;
  switch (cmd.name) {
    case 'precheck':
      return handlePrecheck(deps, ctx, cmd);
    case 'upgrade':
      return handleUpgrade(deps, ctx, cmd);
    case 'rollback':
      return handleRollback(deps, ctx, cmd);
    case 'runs':
      return handleRuns(deps, ctx, cmd);
    case 'audit':
      return handleAudit(deps, ctx, cmd);
    case 'show':
      return handleShow(deps, ctx, cmd);
    case 'as':
      return { kind: 'switch-user', user: cmd.user };
    default:
      return assertNever(cmd, 'command');
  }
}

import { dirname } from 'node:path';
import { loadAppSetup } from '../app-setup.ts';
import { closeOnSignals, HARD_EXIT_AFTER_GRACE_MS } from '../close-on-signals.ts';
import { runLine } from './run-line.ts';
import { EXIT } from './cli-exit.ts';
import { parseCommand } from '../../commands/parse-command.ts';
import { describeError } from '../../core/opsgate-error.ts';
import { labDown, labRefFromEnv, labUp } from '../lab/index.ts';
import { createLogger, openRuntime } from '../main.ts';

/** Who asks, who approves, and the chat commands the demo runs in order. */
export interface DemoScript {
  readonly requester: string;
  readonly approver: string;
  readonly script: readonly string[];
}

/**
 * Brings a fresh site lab up and runs the demo's commands through the engine (`opsgate demo`), returning the exit
 * code; kept apart from the command's declaration so that only running it loads the lab and the runtime.
 */
export async function runDemo({ requester, approver, script }: DemoScript): Promise<number> {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const err = (line: string): void => void process.stderr.write(`${line}\n`);
  let sitesDir: string;
  try {
    const ref = labRefFromEnv();
    // A fresh lab every time: the site as the seed found it, so the upgrade's preconditions hold again.
    await labDown(ref, 'inherit');
    const lab = await labUp({ prefix: ref.prefix, net: ref.net, output: 'inherit' });
    if (lab.siteFile === null) throw new Error(`lab ${lab.prefix} wrote no site file`);
    sitesDir = dirname(lab.siteFile);
  } catch (e) {
    err(`opsgate demo: the site lab did not come up: ${describeError(e)}`);
    return EXIT.failed;
  }
  const setup = await loadAppSetup({ sitesDir });
  if (!setup.ok) {
    err(`opsgate demo: ${setup.error}`);
    return EXIT.usage;
  }
  const log = createLogger(setup.value.env.LOG_LEVEL === undefined ? 'warn' : setup.value.config.LOG_LEVEL);
  const rt = await openRuntime({ ...setup.value, log }).catch((e: unknown) => {
    err(`opsgate demo: ${describeError(e)}`);
    return undefined;
  });
  if (rt === undefined) return EXIT.failed;
  const unhook = closeOnSignals(() => rt.close(), {
    deadlineMs: setup.value.config.OPSGATE_SHUTDOWN_GRACE_MS + HARD_EXIT_AFTER_GRACE_MS,
    say: (l) => err(`opsgate demo: ${l}`),
  });
  try {
    for (const line of script) {
      out(`\n$ ${line}    (as ${requester}, approved by ${approver})`);
      const cmd = parseCommand(line, { sites: rt.sites.list() });
      if (!cmd.ok) {
        err(`opsgate demo: ${cmd.error.message}`);
        return EXIT.usage;
      }
      const code = await runLine(rt, cmd.value, line, {
        as: requester,
        approveAs: [approver],
        reject: false,
        json: false,
        out,
        err,
      });
      if (code !== EXIT.ok) return code;
    }
    return EXIT.ok;
  } catch (e) {
    err(`opsgate demo: ${describeError(e)}`);
    return EXIT.failed;
  } finally {
    unhook();
    await rt.close();
  }
}

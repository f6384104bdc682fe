import { dirname } from 'node:path';
import type { Command } from 'commander';
import { loadAppSetup } from '../app-setup.ts';
import { closeOnSignals, HARD_EXIT_AFTER_GRACE_MS } from '../close-on-signals.ts';
import { runLine } from './run-line.ts';
import { CliExit, EXIT } from './cli-exit.ts';
import { parseCommand } from '../../commands/parse-command.ts';
import { describeError } from '../../core/opsgate-error.ts';
import { labDown, labRefFromEnv, labUp } from '../lab/index.ts';
import { createLogger, openRuntime } from '../main.ts';

/** The demo: who asks and who approves, and what. */
const REQUESTER = 'UOPERATOR';
const APPROVER = 'UAPPROVER1';
const SCRIPT = ['/precheck xizang', '/upgrade xizang redis'] as const;

/**
 * `opsgate demo` (`npm run demo`): brings a fresh site lab up (`OPSGATE_LAB_PREFIX`/`OPSGATE_LAB_NET`, default
 * `og` / `10.77.0`), then runs `/precheck xizang` and `/upgrade xizang redis` requested by UOPERATOR and
 * approved by UAPPROVER1, printing each run's thread as it goes. Needs nothing but root and the lab's
 * packages: without `REDIS_URL` it runs its own Redis.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      `bring a fresh site lab up (down first) and run ${SCRIPT.join(' then ')} as ${REQUESTER}, approved by ${APPROVER}`,
    )
    .action(async () => {
      const code = await demo();
      if (code !== EXIT.ok) throw new CliExit(code);
    });
}

async function demo(): Promise<number> {
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
    for (const line of SCRIPT) {
      out(`\n$ ${line}    (as ${REQUESTER}, approved by ${APPROVER})`);
      const cmd = parseCommand(line, { sites: rt.sites.list() });
      if (!cmd.ok) {
        err(`opsgate demo: ${cmd.error.message}`);
        return EXIT.usage;
      }
      const code = await runLine(rt, cmd.value, line, {
        as: REQUESTER,
        approveAs: [APPROVER],
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

import type { Command } from 'commander';
import { CliExit, EXIT } from './cli-exit.ts';

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
      // Loaded when the command runs: `opsgate --help` does not pay for the lab, the engine and the transports.
      const { runDemo } = await import('./run-demo.ts');
      const code = await runDemo({ requester: REQUESTER, approver: APPROVER, script: SCRIPT });
      if (code !== EXIT.ok) throw new CliExit(code);
    });
}

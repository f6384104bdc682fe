import { InvalidArgumentError, type Command } from 'commander';
import { CliExit, EXIT } from './cli-exit.ts';
import { describeError } from '../../core/opsgate-error.ts';
import { labRefFromEnv, type LabRef } from '../lab/lab-ref.ts';
import { runLabScript } from '../lab/run-lab-script.ts';

/**
 * `opsgate lab up [--bare N] [--variant NAME[@HOST],…] | down [--bare] | status [--bare] | exec HOST -- CMD… | link HOST up|down | diff HOST`:
 * the site lab (docs/lab.md), for the lab named by OPSGATE_LAB_PREFIX / OPSGATE_LAB_NET.
 */
export function registerLabCommand(program: Command): void {
  const lab = program.command('lab').description('the site lab: fake customer hosts in network namespaces (root only)');
  lab
    .command('up')
    .description('bring the Xizang lab up (or N sshd-only hosts) and print its site file')
    .option('--bare <n>', 'N ≤ 200 sshd-only hosts b001… on the next /24, for benchmarks', hostCount)
    .option(
      '--variant <list>',
      'real-deployment variants NAME[@HOST],… (lab/variants: redis-stock-init, systemd, conf-syntax…)',
    )
    .action(async (opts: { bare?: number; variant?: string }) => {
      await run([
        'up',
        ...(opts.bare === undefined ? [] : ['--bare', String(opts.bare)]),
        ...(opts.variant === undefined ? [] : ['--variant', opts.variant]),
      ]);
    });
  lab
    .command('down')
    .description('remove every namespace, link, process and mount the lab made')
    .option('--bare', 'the bare lab')
    .action(async (opts: { bare?: boolean }) => run(opts.bare ? ['down', '--bare'] : ['down']));
  lab
    .command('status')
    .description('one line per host: name, address, up/down/unplugged (exit 1 unless every host runs)')
    .option('--bare', 'the bare lab')
    .action(async (opts: { bare?: boolean }) => run(opts.bare ? ['status', '--bare'] : ['status']));
  lab
    .command('exec')
    .description('run a command inside a host (nsenter, no ssh); its exit code is passed through')
    .argument('<host>', 'a lab host, e.g. redis-a or b001')
    .argument('<command...>', 'the command and its arguments, after --')
    .action(async (host: string, command: string[]) => run(['exec', host, '--', ...command]));
  lab
    .command('link')
    .description('plug a host into the lab bridge or unplug it (a network partition)')
    .argument('<host>', 'a lab host')
    .argument('<state>', 'up or down', linkState)
    .action(async (host: string, state: string) => run(['link', host, state]));
  lab
    .command('diff')
    .description('what changed on a host since the lab was ready: A|M|D /path')
    .argument('<host>', 'a lab host')
    .option('--all', 'since boot, including what the roles set up')
    .action(async (host: string, opts: { all?: boolean }) => run(opts.all ? ['diff', host, '--all'] : ['diff', host]));
}

async function run(args: string[]): Promise<void> {
  let ref: LabRef;
  try {
    ref = labRefFromEnv();
  } catch (e) {
    process.stderr.write(`opsgate lab: ${describeError(e)}\n`);
    throw new CliExit(EXIT.usage);
  }
  const res = await runLabScript(ref, args, { output: 'inherit' }).catch((e: unknown) => {
    process.stderr.write(`opsgate lab: ${describeError(e)}\n`);
    throw new CliExit(EXIT.failed);
  });
  if (res.exitCode !== 0) throw new CliExit(res.exitCode);
}

function hostCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 200) throw new InvalidArgumentError('a host count from 1 to 200');
  return n;
}

function linkState(value: string): string {
  if (value !== 'up' && value !== 'down') throw new InvalidArgumentError("'up' or 'down'");
  return value;
}

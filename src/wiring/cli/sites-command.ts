import type { Command } from 'commander';
import { CliExit, EXIT } from './cli-exit.ts';

/**
 * `opsgate sites validate [FILE|DIR]`: checks site files and prints every problem as `FILE:LINE PATH: message`;
 * `sites keyscan` pins host keys; `sites check` compares the live site with its file; `sites discover` drafts one.
 */
export function registerSitesCommand(program: Command): void {
  const sites = program.command('sites').description('site files (sites/<site>.yml)');
  sites
    .command('validate')
    .description('check site files: schema, references between parts, secrets; every problem at once')
    .argument('[target]', 'a site file or a directory of them (default: OPSGATE_SITES, else sites/)')
    .option('--no-secrets', 'do not check that secret references resolve (env variables set, files readable)')
    .action(async (target: string | undefined, opts: { secrets: boolean }) => {
      // Loaded when the command runs: `opsgate --help` does not pay for the site schemas.
      const { validateSites } = await import('./validate-sites.ts');
      const code = await validateSites(target, { checkSecrets: opts.secrets });
      if (code !== EXIT.ok) throw new CliExit(code);
    });
  sites
    .command('keyscan')
    .description(
      "fetch each host's SSH key through the site's own path, show the fingerprints, pin them on confirmation",
    )
    .argument('<site>', 'the site id')
    .option('--yes', 'write without asking (for scripts); a changed key is still refused')
    .option('--replace <host>', 'replace the pinned key of HOST, whose key changed (repeatable)', collect, [])
    .action(async (site: string, opts: { yes?: boolean; replace: string[] }) => {
      const { runKeyscan } = await import('../keyscan/run-keyscan.ts');
      const code = await runKeyscan(site, { yes: opts.yes === true, replace: opts.replace });
      if (code !== EXIT.ok) throw new CliExit(code);
    });
  sites
    .command('check')
    .description(
      'read the live site (read-only) and compare it with its site file: keys, processes, ports, roles, versions, zones',
    )
    .argument('<site>', 'the site id')
    .action(async (site: string) => {
      const { runSitesCheck } = await import('../sites-check/run-sites-check.ts');
      const code = await runSitesCheck(site);
      if (code !== EXIT.ok) throw new CliExit(code);
    });
  sites
    .command('discover')
    .description('log in to listed hosts (read-only), find what runs there and write a draft site file')
    .requiredOption('--hosts <file>', 'the hosts list: one `ADDRESS [NAME] [GROUP,GROUP…]` per line, # comments')
    .requiredOption('--out <file>', 'the draft site file to write (refused if it exists, unless --force)')
    .option('--user <user>', 'the SSH login', 'root')
    .option('--key <file>', 'the private key to log in with')
    .option('--password-env <var>', 'the environment variable holding the SSH password')
    .option('--jump <host>', 'a jump host: a host of the list (name or address) or another address')
    .option('--become', 'the login is not root: read the hosts as root through sudo')
    .option('--become-password-env <var>', 'with --become: the environment variable holding the sudo password')
    .option('--known-hosts <file>', 'the pinned host keys (known_hosts format); required')
    .option('--site <id>', 'the site id (default: the name of --out without .yml)')
    .option('--force', 'replace an existing --out')
    .action(
      async (opts: {
        hosts: string;
        out: string;
        user: string;
        key?: string;
        passwordEnv?: string;
        jump?: string;
        become?: boolean;
        becomePasswordEnv?: string;
        knownHosts?: string;
        site?: string;
        force?: boolean;
      }) => {
        const { runDiscover } = await import('../discover/run-discover.ts');
        const code = await runDiscover(
          { ...opts, become: opts.become === true, force: opts.force === true },
          (l) => void process.stdout.write(`${l}\n`),
        );
        if (code !== EXIT.ok) throw new CliExit(code);
      },
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

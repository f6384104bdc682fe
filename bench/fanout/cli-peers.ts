import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BareLab } from './bench-lab.ts';

/** What ssh2 negotiates; OpenSSH 9.2's default (sntrup761x25519) costs far more CPU per connection. */
export const CURVE25519 = 'KexAlgorithms=curve25519-sha256';

/** Files the command-line peers need, all under the lab's state dir (never ~/.ansible or ~/.ssh). */
export interface PeerFiles {
  readonly dir: string;
  readonly psshHosts: string;
  readonly inventory: string;
  readonly ansibleEnv: Readonly<Record<string, string>>;
  readonly controlDir: string;
}

/** Writes the pssh host list, the ansible inventory and config, and ansible's state dirs. */
export function preparePeerFiles(lab: BareLab): PeerFiles {
  const dir = join(lab.stateDir, 'bench');
  const controlDir = join(dir, 'ansible-cp');
  for (const d of [dir, controlDir, join(dir, 'ansible-home'), join(dir, 'ansible-tmp')])
    mkdirSync(d, { recursive: true, mode: 0o700 });
  const psshHosts = join(dir, 'pssh_hosts');
  writeFileSync(psshHosts, lab.hosts.map((h) => h.name).join('\n') + '\n');
  const inventory = join(dir, 'inventory.ini');
  writeFileSync(
    inventory,
    `[all]\n${lab.hosts.map((h) => `${h.name} ansible_host=${h.address}`).join('\n')}\n\n[all:vars]\nansible_user=root\nansible_python_interpreter=/usr/bin/python3\n`,
  );
  const config = join(dir, 'ansible.cfg');
  writeFileSync(config, '[defaults]\nhost_key_checking = True\n');
  const ansibleEnv = {
    ANSIBLE_CONFIG: config,
    ANSIBLE_HOME: join(dir, 'ansible-home'),
    ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'),
    ANSIBLE_REMOTE_TEMP: '/tmp/.ansible-bench',
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    // Ansible's own default ssh_args (ControlPersist: the 20 invocations of one run share connections), plus our
    // ssh_config.
    ANSIBLE_SSH_ARGS: `-F ${lab.sshConfig} -C -o ControlMaster=auto -o ControlPersist=60s`,
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_DEPRECATION_WARNINGS: 'False',
  };
  return { dir, psshHosts, inventory, ansibleEnv, controlDir };
}

/** Runs a command line and fails with its stderr when it exits non-zero. */
function run(file: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${file} exited ${code}: ${stderr.trim()}`)),
    );
  });
}

/** One `parallel-ssh -p 50` invocation per command, as an operator would type them. */
export async function runPssh(
  lab: BareLab,
  files: PeerFiles,
  commands: readonly string[],
  parallel: number,
  kex?: string,
): Promise<void> {
  for (const command of commands) {
    const kexArgs = kex === undefined ? [] : ['-O', kex];
    await run('parallel-ssh', [
      '-h',
      files.psshHosts,
      '-p',
      String(parallel),
      '-t',
      '60',
      '-x',
      `-F ${lab.sshConfig}`,
      ...kexArgs,
      command,
    ]);
  }
}

/** One `ansible all -m shell -f 50` invocation per command (pipelining on, ansible's default ControlPersist). */
export async function runAnsible(files: PeerFiles, commands: readonly string[], forks: number): Promise<void> {
  try {
    for (const command of commands) {
      await run(
        'ansible',
        ['all', '-i', files.inventory, '-m', 'shell', '-a', command, '-f', String(forks), '-o'],
        files.ansibleEnv,
      );
    }
  } finally {
    closeControlMasters(files.controlDir);
  }
}

/** Ends ansible's ControlPersist masters so that every run starts cold and nothing is left running. */
export function closeControlMasters(controlDir: string): void {
  for (const sock of readdirSync(controlDir)) {
    spawnSync('ssh', ['-o', `ControlPath=${join(controlDir, sock)}`, '-O', 'exit', 'x'], { stdio: 'ignore' });
  }
}

/** A plain `for host in …; do ssh host cmd; done` loop, one connection per host and command. */
export async function runSequentialSsh(lab: BareLab, commands: readonly string[]): Promise<void> {
  for (const command of commands) {
    for (const h of lab.hosts) await run('ssh', ['-F', lab.sshConfig, '-n', h.name, command]);
  }
}

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startObSim } from './start-obsim.ts';

/**
 * `npx tsx lab/obsim/obsim-main.ts --listen 10.77.0.1:2881 --password-file .opsgate/lab/og/secrets/root-password
 * --observer zone1=10.77.0.61 --observer zone2=…` runs the simulator until SIGINT/SIGTERM (then drops its fixture
 * database). Logins must give the password in the file (the one the lab's site file references).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      listen: { type: 'string' },
      'password-file': { type: 'string' },
      observer: { type: 'string', multiple: true },
    },
  });
  const [host, port] = (values.listen ?? '').split(':');
  if (host === undefined || host === '' || port === undefined || !/^\d+$/.test(port))
    throw new Error('--listen HOST:PORT is required');
  const observers = (values.observer ?? []).map((o) => {
    const [zone, ip] = o.split('=');
    if (zone === undefined || ip === undefined) throw new Error(`--observer ${o}: give ZONE=IP`);
    return { zone, ip };
  });
  const file = values['password-file'];
  if (file === undefined)
    throw new Error('--password-file FILE is required (the sys tenant password the site file references)');
  const sys = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  const sim = await startObSim({ host, port: Number(port), observers, passwords: { sys } });
  process.stdout.write(`obsim listening on ${host}:${port} (fixture ${sim.database})\n`);
  const stop = () => void sim.close().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`obsim: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

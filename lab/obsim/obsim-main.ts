import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startOdpStandin } from './odp-standin.ts';
import { startObSim } from './start-obsim.ts';

/**
 * `npx tsx lab/obsim/obsim-main.ts --listen 10.77.0.1:2881 --password-file .opsgate/lab/og/secrets/root-password
 * --observer zone1=10.77.0.61 --observer zone2=… [--fault SQL]…` runs the simulator until SIGINT/SIGTERM (then drops
 * its fixture database). Each `--fault` is run in the fixture after the healthy cluster is loaded (another cluster
 * shape, see `ObSimOptions.faults`). Logins must give the password in the file (the one the lab's site file
 * references).
 * With `--odp HOST:PORT` (obproxy's port is 2883) an ODP stand-in there forwards each connection to the simulator.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      listen: { type: 'string' },
      'password-file': { type: 'string' },
      observer: { type: 'string', multiple: true },
      odp: { type: 'string' },
      fault: { type: 'string', multiple: true },
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
  const faults = values.fault ?? [];
  const sim = await startObSim({ host, port: Number(port), observers, passwords: { sys }, faults });
  process.stdout.write(`obsim listening on ${host}:${port} (fixture ${sim.database})\n`);
  const [odpHost, odpPort] = (values.odp ?? ':').split(':');
  if (values.odp !== undefined && (odpHost === undefined || odpHost === '' || !/^\d+$/.test(odpPort ?? '')))
    throw new Error('--odp HOST:PORT: give the address and port the ODP stand-in listens on');
  const odp =
    values.odp === undefined
      ? undefined
      : await startOdpStandin({ host: odpHost ?? '', port: Number(odpPort), servers: [{ host, port: Number(port) }] });
  if (odp !== undefined) process.stdout.write(`ODP stand-in listening on ${values.odp}\n`);
  const stop = () => void Promise.all([sim.close(), odp?.close()]).finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`obsim: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

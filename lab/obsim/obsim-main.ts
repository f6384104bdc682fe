import { parseArgs } from 'node:util';
import { startObSim } from './start-obsim.ts';

/**
 * `npx tsx lab/obsim/obsim-main.ts --listen 10.77.0.1:2881 --observer zone1=10.77.0.61 --observer zone2=…`
 * runs the simulator until SIGINT/SIGTERM (then drops its fixture database).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { listen: { type: 'string' }, observer: { type: 'string', multiple: true } } });
  const [host, port] = (values.listen ?? '').split(':');
  if (host === undefined || host === '' || port === undefined || !/^\d+$/.test(port)) throw new Error('--listen HOST:PORT is required');
  const observers = (values.observer ?? []).map((o) => {
    const [zone, ip] = o.split('=');
    if (zone === undefined || ip === undefined) throw new Error(`--observer ${o}: give ZONE=IP`);
    return { zone, ip };
  });
  const sim = await startObSim({ host, port: Number(port), observers });
  process.stdout.write(`obsim listening on ${host}:${port} (fixture ${sim.database})\n`);
  const stop = () => void sim.close().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`obsim: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

import { serviceOf } from './host-facts.ts';
import { argAfter, parentOf, type DiscoverInput, type Draft, type Drafted } from './discovered-site.ts';

/** An OceanBase observer found on a host: what the `oceanbase` section needs and the hosts cannot tell (cluster, sys). */
export interface FoundObserver {
  readonly host: string;
  readonly user: string;
  readonly home: string;
  readonly zone: string;
  readonly rpcPort: string;
  readonly sqlPort: string;
}

/**
 * The `dns` section when a bind runs (`named`): its hosts as servers, the first zone its config declares, and the
 * components found (bind, power-dns by its command line). Undefined when no bind runs or it declares no zone. The
 * records are PowerADM's: a person copies them (`adm domains`).
 */
export function draftDns(input: DiscoverInput): Drafted<Draft | undefined> {
  const notes: string[] = [];
  const bind: string[] = [];
  const pdns: string[] = [];
  let bindService: string | undefined;
  let pdnsService: string | undefined;
  let zone: string | undefined;
  for (const h of input.hosts) {
    const facts = input.facts.get(h.name);
    for (const p of facts?.procs ?? []) {
      if (p.prog.endsWith('/named')) {
        bind.push(h.name);
        bindService ??= (facts && serviceOf(facts, { prog: p.prog })) ?? 'named';
        zone ??= facts?.zones.find((z) => z.includes('.') && !/(^|\.)(arpa|localhost)$/.test(z));
      }
      if (p.args.includes('power-dns')) {
        pdns.push(h.name);
        pdnsService ??= (facts && serviceOf(facts, { prog: p.prog })) ?? 'power-dns';
      }
    }
  }
  if (bind.length === 0) return { value: undefined, notes };
  if (zone === undefined) {
    notes.push(`bind runs on ${bind.join(', ')} but its config declares no zone the draft can name: no dns section`);
    return { value: undefined, notes };
  }
  const components: Draft[] = [{ name: 'bind', hosts: bind, service: bindService ?? 'named' }];
  if (pdns.length > 0) components.push({ name: 'power-dns', hosts: pdns, service: pdnsService ?? 'power-dns' });
  return { value: { servers: bind, zone, components }, notes };
}

/** The observers the hosts run (`bin/observer -z ZONE -P RPC -p SQL`), owner and home from /proc. */
export function findObservers(input: DiscoverInput): FoundObserver[] {
  const out: FoundObserver[] = [];
  for (const h of input.hosts)
    for (const p of input.facts.get(h.name)?.procs ?? []) {
      const bin = p.args.split(/\s+/).find((w) => w.endsWith('/bin/observer'));
      if (bin === undefined) continue;
      out.push({
        host: h.name,
        user: p.user,
        home: parentOf(bin, 2),
        zone: argAfter(p.args, '-z') ?? '?',
        rpcPort: argAfter(p.args, '-P') ?? '2882',
        sqlPort: argAfter(p.args, '-p') ?? '2881',
      });
    }
  return out;
}

import { err, ok, type Result } from '../result.ts';
import { isAddress } from './is-address.ts';
import { NameSchema } from './site-fields.ts';

/** One host of a hosts list: the address to log in to, the name it gets in the site file and its groups. */
export interface ListedHost {
  readonly line: number;
  readonly address: string;
  readonly name: string;
  readonly groups: readonly string[];
}

/** A line of a hosts list that cannot be used, with its 1-based number. */
export interface HostsListProblem {
  readonly line: number;
  readonly message: string;
}

/** The name a host without one gets: its address with dots and colons as dashes (`10.0.0.5` → `host-10-0-0-5`). */
function nameOf(address: string): string {
  return `host-${address.replace(/[^A-Za-z0-9]+/g, '-')}`.slice(0, 63).replace(/-+$/, '');
}

/**
 * Parses the hosts list of `opsgate sites discover`: one host per line, `ADDRESS [NAME] [GROUP,GROUP…]`, `#` starts
 * a comment, blank lines are skipped. Every problem at once (a bad address, name or group, a name or address given
 * twice, more than three fields), each naming its line, so that nothing is read from a list half right.
 */
export function parseHostsList(text: string): Result<ListedHost[], HostsListProblem[]> {
  const hosts: ListedHost[] = [];
  const problems: HostsListProblem[] = [];
  const names = new Map<string, number>();
  const addresses = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const fields = (raw.split('#')[0] ?? '')
      .trim()
      .split(/\s+/)
      .filter((f) => f !== '');
    if (fields.length === 0) return;
    const [address = '', givenName, groupText] = fields;
    const bad = (message: string) => void problems.push({ line, message });
    if (fields.length > 3) return bad(`expected ADDRESS [NAME] [GROUP,GROUP…], got ${fields.length} fields`);
    if (!isAddress(address)) return bad(`${JSON.stringify(address)} is not an IP address or host name`);
    const name = givenName ?? nameOf(address);
    if (!NameSchema.safeParse(name).success) return bad(`${JSON.stringify(name)} is not a valid host name`);
    const groups = (groupText ?? '').split(',').filter((g) => g !== '');
    const badGroup = groups.find((g) => !NameSchema.safeParse(g).success);
    if (badGroup !== undefined) return bad(`${JSON.stringify(badGroup)} is not a valid group name`);
    const sameName = names.get(name);
    if (sameName !== undefined) return bad(`the name ${name} is already given on line ${sameName}`);
    const sameAddress = addresses.get(address.toLowerCase());
    if (sameAddress !== undefined) return bad(`the address ${address} is already given on line ${sameAddress}`);
    names.set(name, line);
    addresses.set(address.toLowerCase(), line);
    hosts.push({ line, address, name, groups });
  });
  if (problems.length > 0) return err(problems);
  if (hosts.length === 0) return err([{ line: 0, message: 'the list names no host' }]);
  return ok(hosts);
}

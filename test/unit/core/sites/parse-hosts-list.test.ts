import { describe, expect, it } from 'vitest';
import { parseHostsList } from '../../../../src/core/sites/parse-hosts-list.ts';

describe('parseHostsList', () => {
  it('reads address, name and groups, skipping comments and blank lines', () => {
    const r = parseHostsList('# site A\n\n10.0.0.1 redis-a redis,csb  # the master\n10.0.0.2\n');
    expect(r).toEqual({
      ok: true,
      value: [
        { line: 3, address: '10.0.0.1', name: 'redis-a', groups: ['redis', 'csb'] },
        { line: 4, address: '10.0.0.2', name: 'host-10-0-0-2', groups: [] },
      ],
    });
  });

  it('names every bad line at once: a bad address, a repeated name or address, too many fields', () => {
    const r = parseHostsList(
      ['10.0.0.300 a', '10.0.0.1 a', '10.0.0.2 a', '10.0.0.1 b', '10.0.0.3 c g1 extra', '10.0.0.4 d bad/group'].join(
        '\n',
      ),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toEqual([
      { line: 1, message: '"10.0.0.300" is not an IP address or host name' },
      { line: 3, message: 'the name a is already given on line 2' },
      { line: 4, message: 'the address 10.0.0.1 is already given on line 2' },
      { line: 5, message: 'expected ADDRESS [NAME] [GROUP,GROUP…], got 4 fields' },
      { line: 6, message: '"bad/group" is not a valid group name' },
    ]);
  });

  it('refuses a list that names no host', () => {
    expect(parseHostsList('# nothing\n').ok).toBe(false);
  });
});

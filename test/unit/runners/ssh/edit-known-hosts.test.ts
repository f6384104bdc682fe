import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { knownHostsLine, removeHostLines } from '../../../../src/runners/ssh/edit-known-hosts.ts';
import { parseKnownHosts, verifyHostKey } from '../../../../src/runners/ssh/known-hosts.ts';

/** An ssh-ed25519 public key blob: string "ssh-ed25519", then the 32-byte key. */
function ed25519Blob(): Buffer {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const len = (b: Buffer) => Buffer.from([0, 0, 0, b.length]);
  return Buffer.concat([len(type), type, len(raw), raw]);
}

describe('knownHostsLine and removeHostLines', () => {
  it('writes a line OpenSSH and our verifier read back as pinning the host by address and name', () => {
    const key = ed25519Blob();
    const entries = parseKnownHosts(knownHostsLine(['10.0.0.5', 'redis-a'], 'ssh-ed25519', key));
    expect(verifyHostKey(entries, ['redis-a'], key)).toEqual({ status: 'trusted' });
    expect(verifyHostKey(entries, ['10.0.0.5'], key)).toEqual({ status: 'trusted' });
    expect(verifyHostKey(entries, ['10.0.0.6'], key)).toEqual({ status: 'unknown' });
  });

  it("drops only the host's own lines and keeps comments and other hosts as written", () => {
    const a = knownHostsLine(['10.0.0.5', 'redis-a'], 'ssh-ed25519', ed25519Blob());
    const b = knownHostsLine(['10.0.0.6', 'redis-b'], 'ssh-ed25519', ed25519Blob());
    const text = `# pinned by hand\n${a}\n${b}\n`;
    const r = removeHostLines(text, ['10.0.0.5', 'redis-a'], 'kh');
    expect(r.shared).toEqual([]);
    expect(r.text).toBe(`# pinned by hand\n${b}\n`);
  });

  it('refuses to touch a wildcard line that also vouches for other hosts, naming its line', () => {
    const wild = knownHostsLine(['10.0.0.*'], 'ssh-ed25519', ed25519Blob());
    const text = `${wild}\n`;
    const r = removeHostLines(text, ['10.0.0.5', 'redis-a'], 'kh');
    expect(r.shared).toEqual([{ origin: 'kh:1', hosts: '10.0.0.*' }]);
    expect(r.text).toBe(text);
  });
});

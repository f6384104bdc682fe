import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  fingerprint,
  hostFieldMatches,
  knownHostsNames,
  KnownHostsSyntaxError,
  parseKnownHosts,
  verifyHostKey,
} from '../../../../src/runners/ssh/known-hosts.ts';

/** A real ed25519 public key blob as sshd presents it. */
function ed25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const len = (b: Buffer): Buffer => {
    const n = Buffer.alloc(4);
    n.writeUInt32BE(b.length);
    return n;
  };
  return Buffer.concat([len(type), type, len(raw), raw]);
}

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const keyA = ed25519Blob();
const keyB = ed25519Blob();
const line = (hosts: string, key: Buffer): string => `${hosts} ssh-ed25519 ${key.toString('base64')}`;

describe('known_hosts', () => {
  it('trusts the key listed for the address and for the site name', () => {
    const entries = parseKnownHosts(`# lab\n${line('paas-1,10.77.0.11', keyA)}\n`);
    expect(verifyHostKey(entries, ['10.77.0.11'], keyA)).toEqual({ status: 'trusted' });
    expect(verifyHostKey(entries, ['paas-1'], keyA)).toEqual({ status: 'trusted' });
  });

  it('reports a different key for a known host as a mismatch with the expected fingerprint', () => {
    const entries = parseKnownHosts(line('10.77.0.11', keyA));
    expect(verifyHostKey(entries, ['10.77.0.11'], keyB)).toEqual({ status: 'mismatch', expected: [fingerprint(keyA)] });
  });

  it('reports a host without any entry as unknown rather than trusting it', () => {
    const entries = parseKnownHosts(line('10.77.0.12', keyA));
    expect(verifyHostKey(entries, ['10.77.0.11'], keyA)).toEqual({ status: 'unknown' });
  });

  it('matches hashed entries', () => {
    const entries = parseKnownHosts(line(hashed('10.77.0.11'), keyA));
    expect(verifyHostKey(entries, ['10.77.0.11'], keyA)).toEqual({ status: 'trusted' });
    expect(verifyHostKey(entries, ['10.77.0.12'], keyA)).toEqual({ status: 'unknown' });
  });

  it('matches [addr]:port entries only on that port', () => {
    const entries = parseKnownHosts(line('[10.77.0.11]:2222', keyA));
    expect(verifyHostKey(entries, knownHostsNames(['10.77.0.11'], 2222), keyA).status).toBe('trusted');
    expect(verifyHostKey(entries, knownHostsNames(['10.77.0.11'], 22), keyA).status).toBe('unknown');
  });

  it('honours wildcards and negation', () => {
    expect(hostFieldMatches('10.77.0.*,!10.77.0.13', '10.77.0.12')).toBe(true);
    expect(hostFieldMatches('10.77.0.*,!10.77.0.13', '10.77.0.13')).toBe(false);
    expect(hostFieldMatches('paas-?', 'paas-1')).toBe(true);
  });

  it('refuses a revoked key even when another line lists it', () => {
    const entries = parseKnownHosts(`@revoked * ssh-ed25519 ${keyA.toString('base64')}\n${line('10.77.0.11', keyA)}`);
    expect(verifyHostKey(entries, ['10.77.0.11'], keyA)).toEqual({ status: 'revoked' });
  });

  it('names the file and line of a malformed entry', () => {
    expect(() => parseKnownHosts(`${line('a', keyA)}\nbroken-line-without-key\n`, 'kh')).toThrow(KnownHostsSyntaxError);
    expect(() => parseKnownHosts(`${line('a', keyA)}\nbroken-line-without-key\n`, 'kh')).toThrow(/^kh:2: /);
    expect(() => parseKnownHosts(`h ssh-rsa ${keyA.toString('base64')}`, 'kh')).toThrow(
      /kh:1: the key blob is not a ssh-rsa key/,
    );
  });

  it('prints fingerprints the way ssh-keygen -l does', () => {
    expect(fingerprint(keyA)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

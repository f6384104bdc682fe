import { describe, expect, it } from 'vitest';
import { SecretRedactor } from '../../../../src/runners/ssh/secret-redactor.ts';

/** Feeds `text` to a stream redactor cut at the given positions and returns what came out. */
function streamIn(r: SecretRedactor, text: string, cuts: number[]): string {
  const s = r.stream();
  let out = '';
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out += s.write(text.slice(from, cut));
    from = cut;
  }
  return out + s.end();
}

describe('SecretRedactor', () => {
  it('replaces every occurrence of every secret', () => {
    const r = new SecretRedactor(['Redis_Lab123', 'hunter2']);
    expect(r.redact('auth Redis_Lab123 then hunter2 and Redis_Lab123')).toBe('auth *** then *** and ***');
  });

  it('redacts a secret learned later', () => {
    const r = new SecretRedactor([]);
    expect(r.redact('pw=s3cr3t!')).toBe('pw=s3cr3t!');
    r.learn('s3cr3t!');
    expect(r.redact('pw=s3cr3t!')).toBe('pw=***');
  });

  it('treats regex characters in a secret literally', () => {
    const r = new SecretRedactor(['a.b*c(d)$']);
    expect(r.redact('x a.b*c(d)$ aXbbbc(d)$')).toBe('x *** aXbbbc(d)$');
  });

  it('replaces a longer secret whole when it contains a shorter one', () => {
    const r = new SecretRedactor(['pass', 'password123']);
    expect(r.redact('password123 pass')).toBe('*** ***');
  });

  it('ignores an empty secret instead of matching everywhere', () => {
    expect(new SecretRedactor(['']).redact('abc')).toBe('abc');
  });
});

describe('StreamRedactor', () => {
  const secret = 'Redis_Lab123';
  const text = `before ${secret} middle ${secret}${secret} end`;

  it('catches a secret split across two chunks at every possible cut', () => {
    const r = new SecretRedactor([secret]);
    for (let cut = 0; cut <= text.length; cut++) {
      expect(streamIn(r, text, [cut])).toBe('before *** middle ****** end');
    }
  });

  it('catches a secret split one character per chunk', () => {
    const r = new SecretRedactor([secret]);
    const cuts = Array.from({ length: text.length - 1 }, (_, i) => i + 1);
    expect(streamIn(r, text, cuts)).toBe('before *** middle ****** end');
  });

  it('emits ordinary output at once and holds back only a possible secret start', () => {
    const s = new SecretRedactor([secret]).stream();
    expect(s.write('progress 50%\n')).toBe('progress 50%\n');
    expect(s.write('next Redis_')).toBe('next ');
    expect(s.write('Lab999')).toBe('Redis_Lab999');
  });

  it('releases a held prefix at the end of the stream', () => {
    const s = new SecretRedactor([secret]).stream();
    expect(s.write('tail Redi')).toBe('tail ');
    expect(s.end()).toBe('Redi');
  });

  it('never leaks a longer secret that starts with a shorter one, across chunks', () => {
    const r = new SecretRedactor(['abc', 'abcdef', 'cdx']);
    const input = 'xx abcdef yy abc zz abcdx';
    for (let cut = 0; cut <= input.length; cut++) {
      const out = streamIn(r, input, [cut]);
      expect(out).not.toContain('abcdef');
      expect(out).not.toContain('abc');
      expect(out).not.toContain('cdx');
    }
  });

  it('redacts with secrets learned while the stream runs', () => {
    const r = new SecretRedactor([]);
    const s = r.stream();
    expect(s.write('a ')).toBe('a ');
    r.learn('tok_123');
    expect(s.write('tok_') + s.write('123 b') + s.end()).toBe('*** b');
  });
});

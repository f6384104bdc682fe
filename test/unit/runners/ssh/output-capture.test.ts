import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutputCapture } from '../../../../src/runners/ssh/output-capture.ts';

const dirs: string[] = [];
function spoolPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'opsgate-capture-'));
  dirs.push(dir);
  return join(dir, 'sub', `${randomUUID()}.log`);
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function feed(c: OutputCapture, text: string, chunk: number): void {
  for (let i = 0; i < text.length; i += chunk) {
    const part = text.slice(i, i + chunk);
    c.countRaw(Buffer.byteLength(part));
    c.write(part);
  }
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('OutputCapture', () => {
  it('keeps short output whole in the head, with no spool file', () => {
    const path = spoolPath();
    const c = new OutputCapture(path, { headBytes: 10, tailBytes: 10 });
    feed(c, 'hello world, 20 byte', 3);
    const out = c.finish();
    expect(out).toEqual({
      head: 'hello world, 20 byte',
      tail: '',
      totalBytes: 20,
      truncated: false,
      sha256: sha('hello world, 20 byte'),
    });
    expect(existsSync(path)).toBe(false);
  });

  it('keeps head and tail of long output and spools the whole stream to a file matching the digest', () => {
    const path = spoolPath();
    const c = new OutputCapture(path, { headBytes: 16, tailBytes: 16 });
    const text = Array.from({ length: 500 }, (_, i) => `line ${i}\n`).join('');
    feed(c, text, 7);
    const out = c.finish();
    expect(out.truncated).toBe(true);
    expect(out.head).toBe(text.slice(0, 16));
    expect(out.tail).toBe(text.slice(-16));
    expect(out.totalBytes).toBe(text.length);
    expect(out.spoolPath).toBe(path);
    const spooled = readFileSync(path, 'utf8');
    expect(spooled).toBe(text);
    expect(out.sha256).toBe(sha(spooled));
  });

  it('spools complete output when the first chunk alone is larger than the budget', () => {
    const path = spoolPath();
    const c = new OutputCapture(path, { headBytes: 4, tailBytes: 4 });
    feed(c, 'abcdefghijklmnopqrstuvwxyz', 100);
    const out = c.finish();
    expect([out.head, out.tail]).toEqual(['abcd', 'wxyz']);
    expect(readFileSync(path, 'utf8')).toBe('abcdefghijklmnopqrstuvwxyz');
  });

  it('never cuts a multi-byte character in half at the head or tail edge', () => {
    const c = new OutputCapture(spoolPath(), { headBytes: 5, tailBytes: 5 });
    const text = '西藏西藏西藏西藏西藏';
    feed(c, text, 1);
    const out = c.finish();
    expect(out.head).toBe('西');
    expect(out.tail).toBe('藏');
    expect(out.totalBytes).toBe(Buffer.byteLength(text));
  });

  it('reports the bytes the host sent even when redaction changed their length', () => {
    const c = new OutputCapture(spoolPath());
    c.countRaw(Buffer.byteLength('pw=hunter2\n'));
    c.write('pw=***\n');
    const out = c.finish();
    expect(out.totalBytes).toBe(11);
    expect(out.head).toBe('pw=***\n');
    expect(out.sha256).toBe(sha('pw=***\n'));
  });
});

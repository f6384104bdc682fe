import { describe, expect, it } from 'vitest';
import { ProgressView } from '../../../../src/adapters/console/progress-view.ts';
import { textColumns } from '../../../../src/adapters/console/text-columns.ts';
import type { ProgressEvent } from '../../../../src/adapters/console/progress-throttle.ts';

/** Enough of a terminal to see what a person would: carriage return, erase to end of line, cursor up, newline. */
class Screen {
  readonly rows: string[] = [''];
  private row = 0;
  private col = 0;
  written = '';

  write(text: string): void {
    this.written += text;
    // eslint-disable-next-line no-control-regex -- a terminal's escapes are what is parsed here
    for (const tok of text.match(/\x1b\[\d*[A-Za-z]|[\s\S]/gu) ?? []) {
      if (tok === '\r') this.col = 0;
      else if (tok === '\n') {
        this.row++;
        this.col = 0;
        if (this.rows[this.row] === undefined) this.rows[this.row] = '';
      } else if (tok === '\x1b[K') this.rows[this.row] = [...(this.rows[this.row] ?? '')].slice(0, this.col).join('');
      else if (tok === '\x1b[1A') this.row = Math.max(0, this.row - 1);
      else {
        const chars = [...(this.rows[this.row] ?? '')];
        while (chars.length < this.col) chars.push(' ');
        chars[this.col] = tok;
        this.rows[this.row] = chars.join('');
        this.col++;
      }
    }
  }

  /** The lines on screen, without the empty line the cursor may sit on. */
  lines(): string[] {
    return this.rows.filter((r, i) => r !== '' || i < this.rows.length - 1);
  }
}

const wait = (i: number, done = false): ProgressEvent => ({
  site: 'lab',
  runId: 'r1',
  at: 1000 + i * 1000,
  type: 'step.progress',
  stepId: 'zone1-wait-inactive',
  awaited: 'zone zone1 is INACTIVE',
  target: 'obcluster',
  elapsedMs: i * 1000,
  lastValue: done ? '1 (want 1)' : `${i % 3} (want 1)`,
  ...(done ? { done: true } : {}),
});

describe('long waits in a terminal and in a pipe', () => {
  it('redraws one line in place in a terminal, fitted to its width, and leaves the last state', () => {
    const screen = new Screen();
    const lines: string[] = [];
    const view = new ProgressView(
      { write: (t) => screen.write(t), isTTY: true, columns: 60 },
      { plain: (l) => lines.push(l) },
    );
    for (let i = 0; i < 40; i++) view.show(wait(i));
    view.show(wait(40, true));
    expect(lines).toEqual([]);
    expect(screen.lines()).toHaveLength(1);
    expect(screen.lines()[0]).toMatch(/zone1-wait-inactive: zone zone1 is INACTIVE on obclu/);
    expect(screen.written.split('\r').length).toBeGreaterThan(40);
    expect(screen.written.split('\n').length - 1).toBe(1);
    for (const l of screen.lines()) expect([...l].length).toBeLessThan(60);
  });

  it('keeps the line above the console prompt and redraws the prompt after it', () => {
    const screen = new Screen();
    const prompt = () => screen.write('U1> ');
    const view = new ProgressView(
      { write: (t) => screen.write(t), isTTY: true, columns: 200 },
      { plain: () => {}, redrawPrompt: prompt },
    );
    screen.write('● r1 (lab): ob-upgrade requested by U1\n');
    prompt();
    for (let i = 0; i < 10; i++) view.show(wait(i * 5));
    expect(screen.lines()).toEqual([
      '● r1 (lab): ob-upgrade requested by U1',
      '  ⏳ zone1-wait-inactive: waiting 45 s for zone zone1 is INACTIVE on obcluster; last seen: 0 (want 1)',
      'U1> ',
    ]);
  });

  it('starts a new line for the wait after other output, keeping the earlier state above it', () => {
    const screen = new Screen();
    const view = new ProgressView({ write: (t) => screen.write(t), isTTY: true, columns: 200 }, { plain: () => {} });
    view.show(wait(1));
    view.show(wait(2));
    view.interrupt();
    screen.write('  ✔ gate decided\n');
    view.show(wait(3));
    expect(screen.lines()).toHaveLength(3);
    expect(screen.lines()[0]).toContain('waiting 2 s');
    expect(screen.lines()[2]).toContain('waiting 3 s');
  });

  it('keeps one line within the width, whatever a wait reports (escapes, newlines, a huge value)', () => {
    const screen = new Screen();
    const view = new ProgressView({ write: (t) => screen.write(t), isTTY: true, columns: 40 }, { plain: () => {} });
    for (const v of [
      '\x1b[2J\x1b[1Acleared',
      'a\nb\rc',
      'x'.repeat(50_000),
      '\u001b]0;title\u0007',
      '等待副本同步'.repeat(9),
    ])
      view.show({ ...wait(3), lastValue: v, awaited: v });
    expect(screen.lines()).toHaveLength(1);
    for (const l of screen.lines()) expect(textColumns(l)).toBeLessThan(40);
    expect(screen.written).not.toContain('\x1b[2J');
  });

  it('prints a few plain lines in a pipe: the first, one per 15 s of waiting and the end', () => {
    const lines: string[] = [];
    const view = new ProgressView({ write: () => {}, isTTY: false }, { plain: (l) => lines.push(l) });
    for (let i = 0; i < 60; i++) view.show(wait(i));
    view.show(wait(60, true));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('waiting 0 s for zone zone1 is INACTIVE on obcluster; last seen: 0 (want 1)');
    expect(lines.at(-1)).toContain('ended after 1m00s; last seen: 1 (want 1)');
  });
});

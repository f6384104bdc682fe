/**
 * Redaction by value: every secret the session knows is replaced by `***` in output and messages before
 * anything else (capture, spool, `onOutput`, logs, errors) sees them.
 */

/** What replaces a secret. */
export const REDACTED = '***';

/** The set of secrets of one session; grows with `learn`, shared by every stream of the session. */
export class SecretRedactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  constructor(initial: readonly string[] = []) {
    for (const s of initial) this.learn(s);
  }

  /** Adds a secret. Empty strings are ignored: they would "match" everywhere. */
  learn(secret: string): void {
    if (secret.length === 0 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    // Longest first, so that a secret that contains a shorter one is replaced whole.
    const alternatives = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = new RegExp(alternatives.join('|'), 'g');
  }

  /** Replaces every known secret in a complete text. */
  redact(text: string): string {
    return this.pattern === undefined ? text : text.replace(this.pattern, REDACTED);
  }

  /** A redactor for one stream of chunks, which catches a secret split across chunk boundaries. */
  stream(): StreamRedactor {
    return new StreamRedactor(this);
  }

  /** @internal the current pattern (a fresh `lastIndex` is the caller's job). */
  matcher(): RegExp | undefined {
    return this.pattern;
  }

  /** @internal true when `text` is a non-empty proper prefix of some secret. */
  isProperPrefixOfSecret(text: string): boolean {
    for (const s of this.secrets) if (s.length > text.length && s.startsWith(text)) return true;
    return false;
  }

  /** @internal length of the longest secret. */
  longest(): number {
    let n = 0;
    for (const s of this.secrets) n = Math.max(n, s.length);
    return n;
  }
}

/**
 * Redacts one stream chunk by chunk. Holds back only the end of the text that could still become a secret
 * (a proper prefix of one), so ordinary output flows through at once; `end()` releases what is held.
 */
export class StreamRedactor {
  private pending = '';

  constructor(private readonly secrets: SecretRedactor) {}

  /** Returns the redacted text that is safe to emit now. */
  write(chunk: string): string {
    const text = this.pending + chunk;
    const cut = this.safeCut(text);
    this.pending = text.slice(cut);
    return this.secrets.redact(text.slice(0, cut));
  }

  /** Returns whatever was held back, redacted; the stream is over. */
  end(): string {
    const rest = this.secrets.redact(this.pending);
    this.pending = '';
    return rest;
  }

  /**
   * The largest index up to which `text` can be emitted: before the first position whose rest is a proper
   * prefix of a secret, and never inside a secret occurrence (a match straddling the cut moves it back to the
   * match's start, so the match is found whole next time).
   */
  private safeCut(text: string): number {
    const longest = this.secrets.longest();
    if (longest === 0) return text.length;
    let cut = text.length;
    for (let p = Math.max(0, text.length - longest + 1); p < text.length; p++) {
      if (this.secrets.isProperPrefixOfSecret(text.slice(p))) {
        cut = p;
        break;
      }
    }
    const pattern = this.secrets.matcher();
    if (pattern === undefined || cut === text.length) return cut;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const end = m.index + m[0].length;
      if (m.index >= cut) break;
      if (end > cut) return m.index;
    }
    return cut;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Secret values known to this process (the site files' passwords, keys, tokens), scrubbed by value from every
 * log line: `redact` paths catch fields named like secrets, this catches a secret that ended up in a message,
 * an error text or a command line.
 */
export class SecretValues {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /** Remembers secrets; values shorter than 4 characters are ignored (they would mangle ordinary text). */
  add(values: Iterable<string>): void {
    let changed = false;
    for (const v of values) {
      if (v.length >= 4 && !this.values.has(v)) {
        this.values.add(v);
        changed = true;
      }
    }
    if (changed) {
      const sorted = [...this.values].sort((a, b) => b.length - a.length);
      this.pattern = new RegExp(sorted.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    }
  }

  get size(): number {
    return this.values.size;
  }

  /** The text with every known secret replaced by `***`. */
  scrubText(text: string): string {
    return this.pattern === undefined ? text : text.replace(this.pattern, '***');
  }

  /** A copy of a log argument with every known secret replaced, in strings at any depth. */
  scrub(value: unknown, depth = 0): unknown {
    if (this.pattern === undefined) return value;
    if (typeof value === 'string') return this.scrubText(value);
    if (value === null || typeof value !== 'object' || depth > 6) return value;
    if (value instanceof Error)
      return {
        type: value.name,
        message: this.scrubText(value.message),
        ...(value.stack ? { stack: this.scrubText(value.stack) } : {}),
      };
    if (Array.isArray(value)) return value.map((v) => this.scrub(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.scrub(v, depth + 1);
    return out;
  }
}

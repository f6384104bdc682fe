import type { ControlPlane } from './control-plane.ts';

/** A business statement's answer: rows (one text column), OK, or an error, after a delay. */
export type BusinessReply =
  | { readonly kind: 'rows'; readonly column: string; readonly values: readonly string[] }
  | { readonly kind: 'ok'; readonly affectedRows: number }
  | { readonly kind: 'error'; readonly code: number; readonly message: string };

/** How a zone that is out of service shows in the business tenant. */
export interface LeaderMoveEffect {
  /** Share of requests whose partition's leader was in the stopped zone. */
  readonly hitShare: number;
  /** Of those, the share that fails with OB_NOT_MASTER (the rest wait for the new leader and succeed). */
  readonly failShare: number;
  /** Extra latency of a request that hit a moved leader, ms (min, max). */
  readonly delayMs: readonly [number, number];
}

export const DEFAULT_EFFECT: LeaderMoveEffect = { hitShare: 1 / 3, failShare: 0.5, delayMs: [150, 400] };

/**
 * A tiny business tenant: a key/value table enough for the probe's writes and reads (nothing else of SQL).
 * While a zone is out of service, a share of requests land on a leader that moved: they wait, and some fail
 * with OceanBase's OB_NOT_MASTER, as clients see while leaders are re-elected.
 */
export class BusinessTenant {
  private readonly rows = new Map<string, string>();
  private readonly tableSet = new Set<string>();

  constructor(
    private readonly plane: ControlPlane,
    private readonly effect: LeaderMoveEffect = DEFAULT_EFFECT,
    private readonly random: () => number = Math.random,
  ) {}

  async handle(statement: string): Promise<BusinessReply> {
    const s = statement.trim().replace(/;\s*$/, '');
    const zone = this.plane.zoneOutOfService();
    if (zone !== undefined && this.random() < this.effect.hitShare) {
      const [lo, hi] = this.effect.delayMs;
      await new Promise((r) => setTimeout(r, lo + this.random() * (hi - lo)));
      if (this.random() < this.effect.failShare) {
        return { kind: 'error', code: 4038, message: `OB_NOT_MASTER: the leader moved away from zone ${zone}, retry` };
      }
    }
    return this.answer(s);
  }

  /** The tables the business tenant holds now (created and not dropped), by name. */
  tables(): string[] {
    return [...this.tableSet].sort();
  }

  private answer(s: string): BusinessReply {
    const sysVar = /^select\s+(@@[A-Za-z_.]+)/i.exec(s);
    if (sysVar !== null) return { kind: 'rows', column: sysVar[1]!, values: ['OceanBase simulator (opsgate lab)'] };
    const create = /^create\s+table\s+(if\s+not\s+exists\s+)?(\w+)/i.exec(s);
    if (create !== null) {
      if (this.tableSet.has(create[2]!) && create[1] === undefined)
        return sqlError(1050, `Table '${create[2]}' already exists`);
      this.tableSet.add(create[2]!);
      return { kind: 'ok', affectedRows: 0 };
    }
    const drop = /^drop\s+table\s+(if\s+exists\s+)?(\w+)/i.exec(s);
    if (drop !== null) {
      if (!this.tableSet.delete(drop[2]!) && drop[1] === undefined) return sqlError(1051, `Unknown table '${drop[2]}'`);
      this.rows.clear();
      return { kind: 'ok', affectedRows: 0 };
    }
    if (/^(set|use|begin|commit|rollback)\b/i.test(s)) return { kind: 'ok', affectedRows: 0 };
    const table = /^(?:insert\s+into|select\s+\w+\s+from)\s+(\w+)/i.exec(s)?.[1];
    if (table !== undefined && !this.tableSet.has(table)) return sqlError(1146, `Table '${table}' doesn't exist`);
    const ins = /^insert\s+into\s+\S+\s*\([^)]*\)\s*values\s*\(\s*(\d+)\s*,\s*'([^']*)'\s*\)$/i.exec(s);
    if (ins !== null) {
      if (this.rows.has(ins[1]!)) return sqlError(1062, `Duplicate entry '${ins[1]}' for key 'PRIMARY'`);
      this.rows.set(ins[1]!, ins[2]!);
      return { kind: 'ok', affectedRows: 1 };
    }
    const sel = /^select\s+\w+\s+from\s+\S+\s+where\s+\w+\s*=\s*(\d+)$/i.exec(s);
    if (sel !== null) {
      const v = this.rows.get(sel[1]!);
      return { kind: 'rows', column: 'v', values: v === undefined ? [] : [v] };
    }
    if (/^select\s+1\b/i.test(s)) return { kind: 'rows', column: '1', values: ['1'] };
    return {
      kind: 'error',
      code: 1235,
      message: `the simulated business tenant does not implement: ${s.slice(0, 80)}`,
    };
  }
}

function sqlError(code: number, message: string): BusinessReply {
  return { kind: 'error', code, message };
}

import type { GateChoice } from '../../core/ports/gates.ts';

/** A gate the console has shown, by its number. */
export interface NumberedGate {
  readonly n: number;
  readonly gateId: string;
  readonly site: string;
  readonly runId: string;
  readonly stepId: string;
  readonly planHash: string;
  readonly choices: readonly GateChoice[];
}

/**
 * Console gates get small numbers in the order they are shown, so a person answers `1 approve` instead of
 * copying a gate id. A gate keeps its number for the whole session.
 */
export class GateNumbers {
  private readonly byId = new Map<string, NumberedGate>();
  private readonly byNumber = new Map<number, NumberedGate>();
  private next = 1;

  /** The gate's number, assigning the next one the first time it is seen. */
  add(gate: Omit<NumberedGate, 'n'>): number {
    const known = this.byId.get(gate.gateId);
    if (known !== undefined) return known.n;
    const numbered = { ...gate, n: this.next++ };
    this.byId.set(gate.gateId, numbered);
    this.byNumber.set(numbered.n, numbered);
    return numbered.n;
  }

  numberOf(gateId: string): number | undefined {
    return this.byId.get(gateId)?.n;
  }

  get(n: number): NumberedGate | undefined {
    return this.byNumber.get(n);
  }
}

/** `1 approve` → gate number and choice; undefined for anything else. */
export function parseGateAnswer(line: string): { readonly n: number; readonly choice: string } | undefined {
  const m = /^\s*(\d{1,6})\s+([a-z-]{1,16})\s*$/.exec(line);
  return m === null ? undefined : { n: Number(m[1]), choice: m[2] ?? '' };
}

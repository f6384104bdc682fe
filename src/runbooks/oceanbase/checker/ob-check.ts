import type { ObVersion } from '../shared/ob-version.ts';
import type { VersionGate } from '../shared/version-gate.ts';

/** One row as the SQL port returns it: columns by name, in the order the server sent them. */
export type ObRow = Readonly<Record<string, unknown>>;

/** The options upgrade_checker.py takes on its command line, as far as they change what is checked. */
export interface CheckerOptions {
  /** The oldest cluster version the target build upgrades from (`UpgradeParams.old_version`; 4.2.5.1 in 4.3.5.5). */
  readonly oldVersion: string;
  /** `-t`: the statement timeout in seconds, 0 for none; also feeds the tablet-compaction hint. */
  readonly timeoutSeconds: number;
  /**
   * `-C`: whether every observer's CPU has AVX2. The script probes the machine it runs on when this is
   * `unknown`; opsgate never guesses: `unknown` is treated as "not supported" and reported as a warning.
   */
  readonly cpuArch: 'avx2' | 'avx2_not_support' | 'unknown';
  /**
   * An upper bound on every statement's timeout, in ms; absent in production, where each statement gets the
   * script's own (see `statement-timeout.ts`). For a fast test, or an operator who wants to give up sooner.
   */
  readonly statementCapMs?: number;
}

/** The defaults of upgrade_checker.py 4.3.5.5. */
export const DEFAULT_CHECKER_OPTIONS: CheckerOptions = { oldVersion: '4.2.5.1', timeoutSeconds: 0, cpuArch: 'unknown' };

/** What a check can do while it runs: query (each statement is recorded as evidence) and report. */
export interface CheckIo {
  query(sql: string): Promise<readonly ObRow[]>;
  /** Adds one of the script's failure messages (the script's `fail_list.append`). */
  fail(message: string): void;
  /** Something the operator should know that does not block the upgrade. */
  warn(message: string): void;
  readonly options: CheckerOptions;
}

/**
 * One check of upgrade_checker.py as data: its id, the script's function name, every SQL statement it may run
 * (templates show `{placeholders}`), its version gate, what makes it fail and the script's messages. `run` is
 * the evaluation: it issues the statements through `io` and reports failures; it never throws for a finding.
 */
export interface ObCheck {
  readonly id: string;
  readonly fn: string;
  readonly title: string;
  /** Gate on the cluster version; when it does not hold, the check is reported skipped with this gate. */
  readonly gate?: VersionGate;
  /** The `min_observer_version` statement the gate reads (the script spells it with one or two spaces). */
  readonly versionSql?: string;
  readonly sql: readonly string[];
  readonly failsWhen: string;
  readonly messages: readonly string[];
  run(io: CheckIo, clusterVersion: ObVersion | undefined): Promise<void>;
}

/** One statement a check ran, for the report. */
export interface QueryEvidence {
  readonly sql: string;
  readonly rowCount: number;
  /** The first row, when there is one (counts and versions are read from it). */
  readonly firstRow?: ObRow;
}

interface FindingBase {
  readonly checkId: string;
  readonly fn: string;
  readonly title: string;
  readonly evidence: readonly QueryEvidence[];
}

/** The outcome of one check. */
export type ObFinding =
  | (FindingBase & { readonly status: 'pass'; readonly notes: readonly string[] })
  | (FindingBase & { readonly status: 'fail'; readonly messages: readonly string[]; readonly notes: readonly string[] })
  | (FindingBase & { readonly status: 'warn'; readonly messages: readonly string[]; readonly notes: readonly string[] })
  | (FindingBase & { readonly status: 'skipped'; readonly gate: string; readonly clusterVersion: string });

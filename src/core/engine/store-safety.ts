import type { EngineRefusal } from '../ports/chat-engine.ts';
import type { Persistence, StorePersistence } from '../ports/store-persistence.ts';
import { assertNever } from '../result.ts';

/** What is at stake when the run store loses a run: said in every refusal and warning. */
const AT_STAKE =
  'a restart of it would lose the run in the middle of the work and leave the site half changed with no run to roll back';
/** How to fix it, readable by whoever runs opsgate's Redis. */
const FIX =
  'turn on AOF (`CONFIG SET appendonly yes` on the server, and `appendonly yes` in its redis.conf so that it stays on)';

/** Why a store with this persistence cannot be trusted with a change to a site, or undefined when it can. */
function storeRisk(p: Persistence): string | undefined {
  switch (p) {
    case 'aof':
    case 'rdb':
      return undefined;
    case 'none':
      return "opsgate's Redis (the run store) persists nothing: AOF is off and no RDB snapshots are scheduled";
    case 'unknown':
      return 'opsgate cannot tell whether its Redis (the run store) persists anything: CONFIG is disabled there, AOF is off and it has written no snapshot since it started';
    default:
      return assertNever(p, 'persistence');
  }
}

/**
 * The policy for a run store that may lose runs (docs/operations.md, Redis): work that changes a site (`/upgrade`,
 * `/rollback`) is refused, saying why and how to fix it; prechecks and dry runs, which change nothing, go on
 * with a warning. Unknown counts as unsafe (fail closed): AOF, the fix, shows in `INFO` even where `CONFIG` is
 * disabled. Asked at request time, since the server may be reconfigured or restarted after opsgate started.
 */
export interface StoreSafety {
  /** Asks the store's server now: undefined when it persists, else what to refuse and what to warn. */
  assess(): Promise<StoreRisk | undefined>;
}

/** A store that may lose runs: the refusal for work that changes a site, the warning for work that does not. */
export interface StoreRisk {
  /** The refusal for `what` (`/upgrade`, `/rollback`). */
  refusal(what: 'upgrade' | 'rollback'): EngineRefusal;
  /** The warning for a precheck or a dry run. */
  readonly warning: string;
}

/** The store-safety policy over a persistence probe; without one (tests, fakes) nothing is refused. */
export function storeSafety(persistence: StorePersistence | undefined): StoreSafety {
  return {
    async assess() {
      const why = persistence === undefined ? undefined : storeRisk(await persistence.read());
      if (why === undefined) return undefined;
      return {
        refusal: (what) => ({
          code: 'STORE_NOT_DURABLE',
          message: `Nothing was started: ${why}, so ${what === 'upgrade' ? 'an upgrade' : 'a rollback'} is refused (${AT_STAKE}). To fix it, ${FIX}, then ask again. /precheck and --dry-run still work.`,
        }),
        warning: `Warning: ${why}; ${AT_STAKE}. /upgrade and /rollback are refused until you ${FIX}.`,
      };
    },
  };
}

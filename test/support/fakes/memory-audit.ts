import { EMPTY_HEAD, nextRecord, type ChainHead } from '../../../src/core/audit/audit-chain.ts';
import { verifyChain } from '../../../src/core/audit/verify-chain.ts';
import type { AuditEvent, AuditLog, AuditRecord, AuditVerifyResult } from '../../../src/core/ports/audit.ts';

/**
 * An in-memory AuditLog for unit tests: the same records, hash chain and verification as the Redis log (it
 * passes the same contract suite). `records` lists everything appended, across sites, for assertions;
 * `rewrite` lets a test tamper with a site's stored records the way someone with write access to Redis could.
 */
export class MemoryAudit implements AuditLog {
  private readonly sites = new Map<string, { records: AuditRecord[]; head: ChainHead }>();

  async append(event: AuditEvent): Promise<AuditRecord> {
    const site = this.sites.get(event.site) ?? { records: [], head: EMPTY_HEAD };
    const record = nextRecord(event, site.head);
    site.records.push(record);
    site.head = { seq: record.seq, hash: record.hash };
    this.sites.set(event.site, site);
    return structuredClone(record);
  }

  async read(site: string, filter: { readonly runId?: string } = {}): Promise<readonly AuditRecord[]> {
    const records = this.sites.get(site)?.records ?? [];
    return records.filter((r) => filter.runId === undefined || r.runId === filter.runId).map((r) => structuredClone(r));
  }

  async verify(site: string): Promise<AuditVerifyResult> {
    const stored = this.sites.get(site);
    return verifyChain(stored?.records ?? [], stored?.head);
  }

  /** Every record of every site, in append order per site. */
  get records(): readonly AuditRecord[] {
    return [...this.sites.values()].flatMap((s) => s.records);
  }

  /** Replaces a site's stored records (not its head) with `mutate(records)`: a tampering test's tool. */
  async rewrite(site: string, mutate: (records: AuditRecord[]) => AuditRecord[]): Promise<void> {
    const stored = this.sites.get(site);
    if (stored === undefined) throw new Error(`no audit records for site ${site}`);
    stored.records = mutate(structuredClone(stored.records));
  }
}

import type { Redis } from 'ioredis';
import type { AuditEvent, AuditLog, AuditRecord, AuditVerifyResult } from '../../core/ports/audit.ts';
import { AuditAppendConflictError } from '../../core/audit/audit-append-conflict-error.ts';
import { EMPTY_HEAD, nextRecord, serialiseRecord, type ChainHead } from '../../core/audit/audit-chain.ts';
import { AuditRecordUnreadableError } from '../../core/audit/audit-record-unreadable-error.ts';
import { parseRecord, verifyChain } from '../../core/audit/verify-chain.ts';

/** What the Redis audit log needs. */
export interface RedisAuditLogDeps {
  readonly redis: Redis;
  /** Prefix of every key, e.g. `opsgate:` in production, `test-<uuid>:` in tests. */
  readonly prefix: string;
  /** How many times an append retries after losing the race for the head (default 1000). */
  readonly maxAttempts?: number;
}

/**
 * Appends only when the stored head is still the one the record was hashed against.
 * KEYS: stream, head. ARGV: expected head, record text, new head. Returns `{1}` or `{0, current head}`.
 */
const APPEND_LUA = `
local head = redis.call('GET', KEYS[2]) or ARGV[4]
if head ~= ARGV[1] then return {0, head} end
redis.call('XADD', KEYS[1], '*', 'record', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
return {1}
`;

const PAGE = 1000;

/**
 * The audit trail on Redis: one stream per site (`<prefix>audit:<site>`, field `record` = the record's
 * canonical JSON) and its head (`<prefix>audit-head:<site>` = `seq:hash`). The hash is sha256, which Redis
 * scripts lack, so it is computed here and the append is a compare-and-append on the head: a writer that lost
 * the race rehashes against the new head and tries again, so concurrent appenders never fork the chain.
 */
export class RedisAuditLog implements AuditLog {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly maxAttempts: number;
  /** Per site, the last append queued from this process (see `append`). */
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(deps: RedisAuditLogDeps) {
    this.redis = deps.redis;
    this.prefix = deps.prefix;
    this.maxAttempts = deps.maxAttempts ?? 1000;
  }

  /**
   * Appends from one process are queued per site, so they land in call order and never race each other; only
   * writers in other processes can move the head under us, and then we rehash and retry.
   */
  async append(event: AuditEvent): Promise<AuditRecord> {
    // Validate before touching Redis, so that bad data fails the same way whatever the head.
    nextRecord(event, EMPTY_HEAD);
    const previous = this.tails.get(event.site) ?? Promise.resolve();
    const mine = previous.then(
      () => this.appendNow(event),
      () => this.appendNow(event),
    );
    const tail = mine.catch(() => undefined);
    this.tails.set(event.site, tail);
    void tail.then(() => {
      if (this.tails.get(event.site) === tail) this.tails.delete(event.site);
    });
    return mine;
  }

  private async appendNow(event: AuditEvent): Promise<AuditRecord> {
    let head = await this.readHead(event.site);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const record = nextRecord(event, head ?? EMPTY_HEAD);
      const expected = formatHead(head ?? EMPTY_HEAD);
      const reply = (await this.redis.eval(
        APPEND_LUA,
        2,
        this.streamKey(event.site),
        this.headKey(event.site),
        expected,
        serialiseRecord(record),
        formatHead(record),
        formatHead(EMPTY_HEAD),
      )) as [number, string?];
      if (reply[0] === 1) return record;
      head = parseHead(reply[1] ?? '');
    }
    throw new AuditAppendConflictError(event.site, this.maxAttempts);
  }

  async read(site: string, filter: { readonly runId?: string } = {}): Promise<readonly AuditRecord[]> {
    const out: AuditRecord[] = [];
    let position = 0;
    for await (const [id, text] of this.entries(site)) {
      position++;
      const record = parseRecord(text);
      if (record === undefined) throw new AuditRecordUnreadableError(site, position, id);
      if (filter.runId === undefined || record.runId === filter.runId) out.push(record);
    }
    return out;
  }

  async verify(site: string): Promise<AuditVerifyResult> {
    const records: (AuditRecord | undefined)[] = [];
    for await (const [, text] of this.entries(site)) records.push(parseRecord(text));
    const head = await this.readHead(site);
    return verifyChain(records, head);
  }

  /** Stream entries of a site in order, as `[stream id, record text]`, read a page at a time. */
  private async *entries(site: string): AsyncGenerator<[string, string]> {
    let start = '-';
    for (;;) {
      const page = await this.redis.xrange(this.streamKey(site), start, '+', 'COUNT', PAGE);
      for (const [id, fields] of page) {
        const at = fields.indexOf('record');
        yield [id, at >= 0 && at % 2 === 0 ? (fields[at + 1] ?? '') : ''];
      }
      if (page.length < PAGE) return;
      start = `(${page[page.length - 1]![0]}`;
    }
  }

  /** The stored head, or undefined when the site has none (nothing appended yet, or it was deleted). */
  private async readHead(site: string): Promise<ChainHead | undefined> {
    const text = await this.redis.get(this.headKey(site));
    return text === null ? undefined : parseHead(text);
  }

  private streamKey(site: string): string {
    return `${this.prefix}audit:${site}`;
  }

  private headKey(site: string): string {
    return `${this.prefix}audit-head:${site}`;
  }
}

function formatHead(head: ChainHead): string {
  return `${head.seq}:${head.hash}`;
}

/** A head that does not parse is kept as seq -1, which no record matches, so verify reports it. */
function parseHead(text: string): ChainHead {
  const [seq, hash] = text.split(':');
  const n = Number(seq);
  return Number.isSafeInteger(n) && hash !== undefined ? { seq: n, hash } : { seq: -1, hash: text };
}

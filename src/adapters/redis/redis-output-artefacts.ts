import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { Clock } from '../../core/ports/clock.ts';
import type { IdSource } from '../../core/ports/ids.ts';
import type { OutputArtefactOwner, OutputArtefactRef, OutputArtefacts } from '../../core/ports/artefacts.ts';
import type { CapturedOutput } from '../../core/ports/remote.ts';

/** Default cap of one host's stored output of one step. */
export const ARTEFACT_CAP_BYTES = 8 * 1024 * 1024;
/** Default time a stored output is kept. */
export const ARTEFACT_TTL_MS = 30 * 24 * 3600 * 1000;

/** Options of `RedisOutputArtefacts`. */
export interface RedisOutputArtefactsOptions {
  readonly redis: Redis;
  /** The deployment's key prefix (`OPSGATE_REDIS_PREFIX`); outputs go under `<prefix>artefact:`. */
  readonly prefix: string;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly capBytes?: number;
  readonly ttlMs?: number;
}

const STDERR_MARK = '\n--- stderr ---\n';

/**
 * Step outputs as Redis strings (`<prefix>artefact:<run>:<step>:<host>:<id>`) with a TTL, capped: a stream
 * longer than the cap keeps its start and ends with a line saying how much was left out. A spooled stream is
 * read from its file in chunks, so the worker never holds more than the cap.
 */
export class RedisOutputArtefacts implements OutputArtefacts {
  private readonly cap: number;
  private readonly ttlMs: number;

  constructor(private readonly opts: RedisOutputArtefactsOptions) {
    this.cap = opts.capBytes ?? ARTEFACT_CAP_BYTES;
    this.ttlMs = opts.ttlMs ?? ARTEFACT_TTL_MS;
  }

  async put(owner: OutputArtefactOwner, stdout: CapturedOutput, stderr: CapturedOutput): Promise<OutputArtefactRef> {
    const parts = new CappedBuffer(this.cap);
    await appendStream(parts, stdout);
    if (stderr.totalBytes > 0) {
      parts.add(Buffer.from(STDERR_MARK));
      await appendStream(parts, stderr);
    }
    const body = parts.result();
    const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
    const key = `${this.opts.prefix}artefact:${safe(owner.runId)}:${safe(owner.stepId)}:${safe(owner.host)}:${this.opts.ids.next('')}`;
    await this.opts.redis.set(key, body.data, 'PX', this.ttlMs);
    return { key, bytes: body.data.length, capped: body.capped, expiresAt: this.opts.clock.now() + this.ttlMs };
  }

  async get(key: string): Promise<string | undefined> {
    if (!key.startsWith(`${this.opts.prefix}artefact:`)) return undefined;
    return (await this.opts.redis.get(key)) ?? undefined;
  }
}

/** Collects bytes up to a cap; past it, counts what was left out and notes it at the end. */
class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly cap: number) {}

  get full(): boolean {
    return this.size >= this.cap;
  }

  add(b: Buffer): void {
    const room = this.cap - this.size;
    if (room <= 0) {
      this.dropped += b.length;
      return;
    }
    const part = b.length > room ? b.subarray(0, room) : b;
    this.chunks.push(part);
    this.size += part.length;
    this.dropped += b.length - part.length;
  }

  /** Counts bytes never read (the rest of a spool file once the cap is reached). */
  skip(bytes: number): void {
    this.dropped += bytes;
  }

  result(): { data: Buffer; capped: boolean } {
    const data = Buffer.concat(this.chunks);
    if (this.dropped === 0) return { data, capped: false };
    const note = `\n[opsgate: output capped at ${this.cap} bytes; ${this.dropped} more bytes left out; the audit trail has the sha256 of the whole output]\n`;
    return { data: Buffer.concat([data, Buffer.from(note)]), capped: true };
  }
}

/** Adds one stream: from its spool file when it was too long for memory, else head and tail. */
async function appendStream(into: CappedBuffer, out: CapturedOutput): Promise<void> {
  if (out.spoolPath === undefined) {
    into.add(Buffer.from(out.head + out.tail));
    return;
  }
  let read = 0;
  const stream = createReadStream(out.spoolPath, { highWaterMark: 256 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    read += chunk.length;
    into.add(chunk);
    if (into.full) break;
  }
  stream.destroy();
  const { size } = await stat(out.spoolPath);
  into.skip(Math.max(0, size - read));
}

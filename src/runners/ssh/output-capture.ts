import { createHash, type Hash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CapturedOutput } from '../../core/ports/remote.ts';

/** How much of one stream stays in memory. */
export interface CaptureLimits {
  /** Bytes kept from the start of the stream (default 64 KiB). */
  readonly headBytes: number;
  /** Bytes kept from the end of the stream (default 64 KiB). */
  readonly tailBytes: number;
}

export const DEFAULT_CAPTURE_LIMITS: CaptureLimits = { headBytes: 64 * 1024, tailBytes: 64 * 1024 };

/**
 * Keeps the head and the tail of one (already redacted) stream in memory and, once the stream outgrows
 * head + tail, spools the whole of it to a file, so memory stays bounded whatever a command prints.
 */
export class OutputCapture {
  private readonly hash: Hash = createHash('sha256');
  private readonly head: Buffer[] = [];
  private headSize = 0;
  private tail: Buffer[] = [];
  private tailSize = 0;
  private redactedBytes = 0;
  private rawBytes = 0;
  private spoolFd: number | undefined;

  /**
   * @param spoolPath where the whole stream goes if it is too long for memory (created only then).
   */
  constructor(
    private readonly spoolPath: string,
    private readonly limits: CaptureLimits = DEFAULT_CAPTURE_LIMITS,
  ) {}

  /** Counts bytes as they came from the host (before decoding and redaction). */
  countRaw(bytes: number): void {
    this.rawBytes += bytes;
  }

  /** Adds redacted text. */
  write(text: string): void {
    if (text.length === 0) return;
    const buf = Buffer.from(text, 'utf8');
    this.hash.update(buf);
    this.redactedBytes += buf.length;
    if (this.spoolFd !== undefined) {
      this.spool(buf);
    } else if (this.redactedBytes > this.limits.headBytes + this.limits.tailBytes) {
      // First overflow: everything seen so far is still in memory, so the spool file gets the whole stream.
      this.openSpool();
      for (const b of this.head) this.spool(b);
      for (const b of this.tail) this.spool(b);
      this.spool(buf);
    }
    const room = this.limits.headBytes - this.headSize;
    if (room > 0) {
      const part = buf.subarray(0, room);
      this.head.push(part);
      this.headSize += part.length;
      if (part.length === buf.length) return;
      this.pushTail(buf.subarray(part.length));
    } else {
      this.pushTail(buf);
    }
  }

  /** Closes the spool file and returns what the port reports. */
  finish(): CapturedOutput {
    if (this.spoolFd !== undefined) {
      closeSync(this.spoolFd);
      this.spoolFd = undefined;
    }
    const head = Buffer.concat(this.head);
    const tail = Buffer.concat(this.tail);
    const truncated = this.redactedBytes > head.length + tail.length;
    if (!truncated) {
      // Short enough to keep whole: one string, no character cut at the head/tail seam.
      return {
        head: Buffer.concat([head, tail]).toString('utf8'),
        tail: '',
        totalBytes: this.rawBytes,
        truncated,
        sha256: this.hash.digest('hex'),
      };
    }
    return {
      head: decodeHead(head),
      tail: decodeTail(tail),
      totalBytes: this.rawBytes,
      truncated,
      spoolPath: this.spoolPath,
      sha256: this.hash.digest('hex'),
    };
  }

  private pushTail(buf: Buffer): void {
    this.tail.push(buf);
    this.tailSize += buf.length;
    // Drop whole chunks from the front while the rest still covers the budget; trim the last one exactly.
    while (this.tail.length > 1 && this.tailSize - (this.tail[0]?.length ?? 0) >= this.limits.tailBytes) {
      this.tailSize -= this.tail.shift()?.length ?? 0;
    }
    const excess = this.tailSize - this.limits.tailBytes;
    const first = this.tail[0];
    if (excess > 0 && first !== undefined) {
      this.tail[0] = first.subarray(excess);
      this.tailSize -= excess;
    }
  }

  private openSpool(): void {
    mkdirSync(dirname(this.spoolPath), { recursive: true, mode: 0o700 });
    // Synchronous writes: simple back-pressure (the event loop waits for the page cache, never memory).
    this.spoolFd = openSync(this.spoolPath, 'w', 0o600);
  }

  private spool(buf: Buffer): void {
    if (this.spoolFd === undefined) return;
    let off = 0;
    while (off < buf.length) off += writeSync(this.spoolFd, buf, off, buf.length - off);
  }
}

/** Decodes the head, dropping a UTF-8 sequence cut in half at its end. */
function decodeHead(buf: Buffer): string {
  let end = buf.length;
  let back = 0;
  while (end - back - 1 >= 0 && back < 4 && ((buf[end - back - 1] ?? 0) & 0xc0) === 0x80) back++;
  const lead = buf[end - back - 1];
  if (lead !== undefined && lead >= 0xc0 && back + 1 < utf8Length(lead)) end = end - back - 1;
  return buf.subarray(0, end).toString('utf8');
}

/** Decodes the tail, skipping continuation bytes of a character whose start was dropped. */
function decodeTail(buf: Buffer): string {
  let start = 0;
  while (start < buf.length && start < 4 && ((buf[start] ?? 0) & 0xc0) === 0x80) start++;
  return buf.subarray(start).toString('utf8');
}

function utf8Length(lead: number): number {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  return 2;
}

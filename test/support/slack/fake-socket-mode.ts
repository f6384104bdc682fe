import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * A minimal Socket Mode endpoint: the WebSocket that `apps.connections.open` points to. It says `hello`, sends
 * envelopes (`slash_commands`, `interactive`, `events_api`) and resolves each with the app's ack. Just enough of RFC 6455
 * for Slack's client: unfragmented text frames, masked from the client, close and ping answered.
 */
export class FakeSocketMode {
  private socket: Duplex | undefined;
  private buffer = Buffer.alloc(0);
  private readonly acks = new Map<string, (ack: Record<string, unknown>) => void>();
  private connectedResolve: (() => void) | undefined;
  /** Resolves when the app has connected and got `hello`. */
  readonly connected: Promise<void>;
  private disconnectedResolve: (() => void) | undefined;
  /** Resolves when the app has closed its connection (close frame or end of the socket). */
  readonly disconnected: Promise<void>;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    this.connected = new Promise((r) => (this.connectedResolve = r));
    this.disconnected = new Promise((r) => (this.disconnectedResolve = r));
    server.on('upgrade', (req, socket) => {
      const key = String(req.headers['sec-websocket-key'] ?? '');
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      this.socket = socket;
      socket.on('data', (d: Buffer) => this.onData(d));
      socket.on('error', () => undefined);
      socket.on('close', () => this.disconnectedResolve?.());
      this.send({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake', approximate_connection_time: 3600 },
        connection_info: { app_id: 'A111' },
      });
      this.connectedResolve?.();
    });
  }

  static async start(): Promise<FakeSocketMode> {
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new FakeSocketMode(server, `ws://127.0.0.1:${port}/link`);
  }

  /** Sends one envelope and resolves with the app's ack (`{ envelope_id, payload? }`). */
  envelope(
    type: 'slash_commands' | 'interactive' | 'events_api',
    payload: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const envelope_id = randomUUID();
    const ack = new Promise<Record<string, unknown>>((resolve) => this.acks.set(envelope_id, resolve));
    this.send({
      envelope_id,
      type,
      payload,
      accepts_response_payload: type === 'slash_commands',
      retry_attempt: 0,
      retry_reason: '',
    });
    return ack;
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(obj: object, opcode = 0x1): void {
    const data = Buffer.from(JSON.stringify(obj));
    const len = data.length;
    const head =
      len < 126
        ? Buffer.from([0x80 | opcode, len])
        : len < 65536
          ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
          : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(len)]);
    this.socket?.write(Buffer.concat([head, data]));
  }

  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = (this.buffer[0] ?? 0) & 0x0f;
      let len = (this.buffer[1] ?? 0) & 0x7f;
      let offset = 2;
      if (len === 126) {
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = ((this.buffer[1] ?? 0) & 0x80) !== 0;
      const mask = masked ? this.buffer.subarray(offset, offset + 4) : undefined;
      offset += masked ? 4 : 0;
      if (this.buffer.length < offset + len) return;
      const body = Buffer.from(this.buffer.subarray(offset, offset + len));
      if (mask) for (let i = 0; i < body.length; i++) body[i] = (body[i] ?? 0) ^ (mask[i % 4] ?? 0);
      this.buffer = this.buffer.subarray(offset + len);
      if (opcode === 0x1) {
        const msg = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        const id = String(msg.envelope_id ?? '');
        this.acks.get(id)?.(msg);
        this.acks.delete(id);
      } else if (opcode === 0x8) {
        // Answer the close handshake, then end the connection.
        this.socket?.end(Buffer.from([0x88, 0x00]));
        this.disconnectedResolve?.();
      } else if (opcode === 0x9) {
        this.socket?.write(Buffer.concat([Buffer.from([0x8a, body.length]), body]));
      }
    }
  }
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

import { createServer, Socket, type Server } from 'node:net';

/**
 * The lab's ODP (obproxy) stand-in: it listens where obproxy does (obd's `listen_port`, 2883 by default) and hands
 * each client connection to the first observer of its list (obd's `rs_list`, `ip:sql_port`) that accepts one,
 * trying the next when a connect fails, as obproxy retries a connect up to `connect_observer_max_retries` times
 * (oceanbase/obdeploy, plugins/obproxy/3.1.0/parameter.yaml at 16f14f5911625380bfdf0c648821a2ebb988d08c). It
 * forwards the MySQL protocol byte for byte: unlike obproxy it neither parses statements nor routes each to its
 * partition's leader; in the lab every observer's SQL side is the one simulator, which plays the leader moves.
 */
export interface OdpStandinOptions {
  readonly host: string;
  readonly port: number;
  /** The observers' SQL endpoints, tried in order for each connection. */
  readonly servers: readonly { readonly host: string; readonly port: number }[];
  /** How long a connect to one observer may take. */
  readonly connectTimeoutMs?: number;
}

export interface OdpStandin {
  /** Client connections accepted, and handed to an observer. */
  readonly stats: { accepted: number; forwarded: number };
  close(): Promise<void>;
}

function connectFirst(servers: OdpStandinOptions['servers'], timeoutMs: number, i = 0): Promise<Socket | undefined> {
  const s = servers[i];
  if (s === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const sock = new Socket();
    const fail = () => {
      sock.destroy();
      resolve(connectFirst(servers, timeoutMs, i + 1));
    };
    sock.setTimeout(timeoutMs, fail);
    sock.once('error', fail);
    sock.connect(s.port, s.host, () => {
      sock.setTimeout(0);
      sock.removeListener('error', fail);
      resolve(sock);
    });
  });
}

/** Starts the stand-in; `close` stops listening and ends every forwarded connection. */
export async function startOdpStandin(opts: OdpStandinOptions): Promise<OdpStandin> {
  if (opts.servers.length === 0) throw new Error('the ODP stand-in needs at least one observer to forward to');
  const stats = { accepted: 0, forwarded: 0 };
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    stats.accepted++;
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    void connectFirst(opts.servers, opts.connectTimeoutMs ?? 3000).then((upstream) => {
      if (upstream === undefined || client.destroyed) {
        upstream?.destroy();
        client.destroy();
        return;
      }
      stats.forwarded++;
      open.add(upstream);
      upstream.once('close', () => {
        open.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      client.once('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    stats,
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

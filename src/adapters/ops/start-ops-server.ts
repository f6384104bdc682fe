import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { HealthReport } from './check-health.ts';

export interface OpsServerOptions {
  readonly port: number;
  readonly host: string;
  readonly registry: Registry;
  readonly health: () => Promise<HealthReport>;
  /** Runs before each scrape (e.g. refreshes the live-worker gauge). */
  readonly beforeScrape?: () => Promise<void>;
}

/** The listening ops server. */
export interface OpsServer {
  /** The port it listens on (the chosen one when asked for 0). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `GET /healthz` (200 or 503, the report as JSON) and `GET /metrics` (Prometheus text format) for probes and
 * scrapers; nothing else. Meant for a private address: it names sites and hosts, never secrets.
 */
export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const handle = async () => {
      if (req.method !== 'GET') return send(405, 'text/plain', 'GET only\n');
      if (path === '/healthz') {
        const report = await opts.health();
        return send(report.ok ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`);
      }
      if (path === '/metrics') {
        await opts.beforeScrape?.();
        return send(200, opts.registry.contentType, await opts.registry.metrics());
      }
      return send(404, 'text/plain', 'not found: try /healthz or /metrics\n');
    };
    handle().catch((e: unknown) =>
      send(
        503,
        'application/json',
        `${JSON.stringify({ ok: false, problems: [e instanceof Error ? e.message : String(e)] })}\n`,
      ),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  server.unref();
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { Socket } from 'node:net';

/** What an observer stand-in said when asked, or that it did not answer. */
export type ObserverAnswer =
  { readonly running: true; readonly version: string; readonly zone: string } | { readonly running: false };

/**
 * Asks the observer stand-in on `ip:port` for its version: it answers one line, `OBSERVER <version> <zone>`.
 * No answer within `timeoutMs` (refused, reset, silent) means the observer is not running.
 */
export function probeObserver(ip: string, port: number, timeoutMs = 400): Promise<ObserverAnswer> {
  return new Promise((resolve) => {
    const sock = new Socket();
    let buf = '';
    const done = (a: ObserverAnswer) => {
      sock.destroy();
      resolve(a);
    };
    sock.setTimeout(timeoutMs, () => done({ running: false }));
    sock.on('error', () => done({ running: false }));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line !== undefined) {
        const [tag, version, zone] = line.trim().split(/\s+/);
        done(
          tag === 'OBSERVER' && version !== undefined && zone !== undefined
            ? { running: true, version, zone }
            : { running: false },
        );
      }
    });
    sock.on('end', () => done({ running: false }));
    sock.connect(port, ip);
  });
}

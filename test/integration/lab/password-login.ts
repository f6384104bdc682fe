import { readFile } from 'node:fs/promises';
import { Client } from 'ssh2';

/**
 * Logs in to a lab host with a password (ssh2, its key checked against the lab's known_hosts, never accepted
 * blindly) and returns what `command` printed, trimmed.
 */
export async function passwordLogin(
  to: { readonly host: string; readonly address: string; readonly knownHosts: string },
  username: string,
  password: string,
  command: string,
): Promise<string> {
  const known = (await readFile(to.knownHosts, 'utf8')).split('\n').find((l) => l.startsWith(`${to.host},`));
  const expected = Buffer.from(known?.split(' ')[2] ?? '', 'base64');
  const conn = new Client();
  try {
    return await new Promise<string>((resolve, reject) => {
      conn.on('error', reject).on('ready', () => {
        conn.exec(command, (e, stream) => {
          if (e) return reject(e);
          let out = '';
          stream.on('data', (d: Buffer) => (out += d.toString())).on('close', () => resolve(out.trim()));
        });
      });
      conn.connect({
        host: to.address,
        username,
        password,
        tryKeyboard: false,
        readyTimeout: 20_000,
        hostVerifier: (key: Buffer) => key.equals(expected),
      });
    });
  } finally {
    conn.end();
  }
}

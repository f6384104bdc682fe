import { createHash, timingSafeEqual } from 'node:crypto';

/** The passwords the simulator accepts: the sys tenant's (users `…@sys`, `root`), and the business tenant's. */
export interface SimPasswords {
  readonly sys: string;
  /** Absent: the business tenant's users log in with the sys password (as the lab's site file has it). */
  readonly business?: string;
}

/** What mysql2's server hands its `authCallback` after the client's handshake reply. */
export interface AuthAttempt {
  readonly user: string;
  readonly address?: string;
  readonly authPluginData1: Buffer;
  readonly authPluginData2: Buffer;
  readonly authToken: Buffer;
}

const sha1 = (...parts: Buffer[]) => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
};

/**
 * The mysql_native_password reply to `scramble`: SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))); empty for no password.
 */
export function nativePasswordToken(password: string, scramble: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  const mix = sha1(scramble, sha1(stage1));
  return Buffer.from(stage1.map((b, i) => b ^ (mix[i] ?? 0)));
}

/** Whether `a` is a sys-tenant user (OceanBase: `user@sys`, or a bare `root` that connects to sys). */
export function isSysUser(user: string): boolean {
  return /@sys$/i.test(user) || user === 'root';
}

/**
 * Checks a login as OceanBase does for mysql_native_password: the client's token against the one the expected
 * password gives for this connection's scramble. A wrong one gets MySQL's 1045 with its message (no password in it).
 */
export function checkLogin(
  passwords: SimPasswords,
  a: AuthAttempt,
): { readonly code: number; readonly message: string } | undefined {
  const expected = isSysUser(a.user) ? passwords.sys : (passwords.business ?? passwords.sys);
  const want = nativePasswordToken(expected, Buffer.concat([a.authPluginData1, a.authPluginData2]));
  const got = Buffer.from(a.authToken);
  if (got.length === want.length && timingSafeEqual(got, want)) return undefined;
  const host = (a.address ?? 'localhost').replace(/^::ffff:/, '');
  return {
    code: 1045,
    message: `Access denied for user '${a.user.split('@')[0]}'@'${host}' (using password: ${got.length > 0 ? 'YES' : 'NO'})`,
  };
}

/** What answered on the MySQL port, from `SELECT version()` (and `ob_version()` when version() is ambiguous). */
export type SqlServerInfo =
  | { readonly kind: 'oceanbase'; readonly version: string; readonly versionText: string }
  | { readonly kind: 'mariadb'; readonly versionText: string }
  | { readonly kind: 'mysql'; readonly versionText: string };

/**
 * Classifies a server by its `version()` text. OceanBase answers e.g. `5.7.25-OceanBase_CE-v4.3.5.5` (or
 * `…-OceanBase-v4.2.1.0`); MariaDB's text contains `MariaDB`. Anything else is "mysql", which the session then
 * asks `ob_version()` before deciding.
 */
export function classifyServer(versionText: string, obVersion?: string): SqlServerInfo {
  const ob = /OceanBase[^-]*-v(\d+\.\d+\.\d+\.\d+)/i.exec(versionText);
  if (ob?.[1] !== undefined) return { kind: 'oceanbase', version: ob[1], versionText };
  if (obVersion !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(obVersion))
    return { kind: 'oceanbase', version: obVersion, versionText };
  if (/mariadb/i.test(versionText)) return { kind: 'mariadb', versionText };
  return { kind: 'mysql', versionText };
}

/** A one-line description for messages, e.g. `MariaDB 10.11.19-MariaDB-0+deb12u1`. */
export function describeServer(server: SqlServerInfo): string {
  switch (server.kind) {
    case 'oceanbase':
      return `OceanBase ${server.version}`;
    case 'mariadb':
      return `MariaDB ${server.versionText}`;
    case 'mysql':
      return `MySQL-protocol server ${server.versionText}`;
  }
}

/** Another observer's SQL port for the same sys tenant (the site file's `sys.alternates`, resolved). */
export interface SqlAlternate {
  readonly host: string;
  readonly port: number;
}

/**
 * Whether another observer may answer where this one did not: it was unreachable or timed out. A refused login or
 * a server that is not OceanBase is the same everywhere, and is not tried elsewhere.
 */
export function answersElsewhere(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'SQL_UNREACHABLE' || code === 'SQL_TIMEOUT';
}

/** Why one endpoint did not answer, in a few words (the unreachable error's reason, else its message). */
export function reasonOf(e: unknown): string {
  const reason = (e as { where?: { reason?: unknown } }).where?.reason;
  return typeof reason === 'string' ? reason : e instanceof Error ? e.message : String(e);
}

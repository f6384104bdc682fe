import { OpsgateError } from '../../core/opsgate-error.ts';

/** Fields every SQL error carries: which endpoint (never the password). */
interface Where {
  readonly target: string;
}

/** The SQL endpoint did not answer (refused, unreachable, name unknown, connect timeout, connection lost). */
export class SqlUnreachableError extends OpsgateError {
  readonly code = 'SQL_UNREACHABLE';
  constructor(
    readonly where: Where & { readonly host: string; readonly port: number; readonly reason: string },
    cause?: unknown,
  ) {
    super(`cannot reach the SQL endpoint ${where.target} (${where.host}:${where.port}): ${where.reason}`, {
      retryable: true,
      fields: { ...where },
      cause,
    });
  }
}

/** The server refused the login: wrong user or password, or no access to the database. */
export class SqlAuthFailedError extends OpsgateError {
  readonly code = 'SQL_AUTH_FAILED';
  constructor(
    readonly where: Where & { readonly user: string },
    cause?: unknown,
  ) {
    super(
      `the SQL endpoint ${where.target} refused the login of user ${where.user}: check the user and the password reference in the site file`,
      {
        fields: { ...where },
        cause,
      },
    );
  }
}

/** A statement failed on the server; names what it was for (the check or step id). */
export class SqlQueryFailedError extends OpsgateError {
  readonly code = 'SQL_QUERY_FAILED';
  constructor(
    readonly where: Where & {
      readonly label: string;
      readonly statement: string;
      readonly errno?: number;
      readonly sqlState?: string;
      readonly serverMessage: string;
    },
    cause?: unknown,
  ) {
    super(`${where.label}: statement failed on ${where.target}: ${where.serverMessage} — in: ${where.statement}`, {
      fields: { ...where },
      cause,
    });
  }
}

/** A statement ran longer than its timeout (the server's own timeout or the client's backstop). */
export class SqlTimeoutError extends OpsgateError {
  readonly code = 'SQL_TIMEOUT';
  constructor(
    readonly where: Where & { readonly label: string; readonly statement: string; readonly timeoutMs: number },
    cause?: unknown,
  ) {
    super(
      `${where.label}: statement on ${where.target} did not finish within ${where.timeoutMs} ms — in: ${where.statement}`,
      {
        retryable: true,
        fields: { ...where },
        cause,
      },
    );
  }
}

/** The server is not OceanBase (and not the explicitly allowed test fixture): nothing is run on it. */
export class SqlNotOceanBaseError extends OpsgateError {
  readonly code = 'SQL_NOT_OCEANBASE';
  constructor(readonly where: Where & { readonly server: string; readonly reason: string }) {
    super(`refusing ${where.target}: it is ${where.server}, not OceanBase (${where.reason})`, { fields: { ...where } });
  }
}

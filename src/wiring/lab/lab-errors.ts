import { OpsgateError } from '../../core/opsgate-error.ts';

/** The lab needs root on Linux (network namespaces, mounts); thrown instead of silently skipping. */
export class LabNotRootError extends OpsgateError {
  readonly code = 'LAB_NOT_ROOT';
  constructor(
    readonly platform: string,
    readonly uid: number | undefined,
  ) {
    super(
      `the site lab needs root on a Linux machine with network namespaces (platform ${platform}, uid ${uid ?? 'unknown'}); run as root`,
      {
        fields: { platform, uid },
      },
    );
  }
}

/** A lab prefix, net or host count that the lab cannot use; `option` names which one. */
export class LabOptionError extends OpsgateError {
  readonly code = 'LAB_BAD_OPTION';
  constructor(
    readonly option: string,
    readonly value: string,
    reason: string,
  ) {
    super(`${option} '${value}': ${reason}`, { fields: { option, value } });
  }
}

/** The lab controller (lab/lab.sh) exited non-zero; `detail` is the end of what it printed on stderr. */
export class LabCommandError extends OpsgateError {
  readonly code = 'LAB_COMMAND_FAILED';
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly detail: string,
    cause?: unknown,
  ) {
    super(`lab ${command} failed with exit code ${exitCode}${detail ? `: ${detail}` : ''}`, {
      fields: { command, exitCode },
      cause,
    });
  }
}

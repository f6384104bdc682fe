import { OpsgateError } from '../opsgate-error.ts';

/** A stored audit record cannot be parsed: the trail was damaged; `opsgate audit verify` says where. */
export class AuditRecordUnreadableError extends OpsgateError {
  readonly code = 'AUDIT_RECORD_UNREADABLE';

  constructor(site: string, position: number, streamId: string) {
    super(
      `audit record ${position} of ${site} (stream entry ${streamId}) is not readable; run \`opsgate audit verify --site ${site}\``,
      {
        fields: { site, position, streamId },
      },
    );
  }
}

import { z } from 'zod';
import { DurationSchema, SlackGroupIdSchema, SlackUserIdSchema } from './site-fields.ts';

const PeopleSchema = z.strictObject({
  users: z.array(SlackUserIdSchema).default([]),
  groups: z.array(SlackGroupIdSchema).default([]),
});

/** Who may start runs at the site and who approves their gated steps. */
export const PolicySchema = z.strictObject({
  starters: PeopleSchema,
  approvers: PeopleSchema,
  approvalsNeeded: z.number().int().min(1, 'at least 1').default(1),
  requesterMayApprove: z.boolean().default(false),
  expiry: DurationSchema.default('30m'),
});

export type Policy = z.output<typeof PolicySchema>;

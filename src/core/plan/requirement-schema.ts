import { z } from 'zod';

/**
 * An admission requirement: a run is refused at request time unless an earlier run of `runbook` on the same
 * site, with the same values of `sameArgs`, ended with `outcome` within the last `withinMs`. Checked by the
 * engine against the run store (see `checkRequirements`), so a process that cannot reach the hosts enforces it.
 */
export const RequirementSchema = z.object({
  runbook: z.string().min(1),
  sameArgs: z.array(z.string().min(1)).default([]),
  outcome: z.enum(['completed', 'rolled-back', 'aborted']).default('completed'),
  withinMs: z.number().int().positive(),
  /** The window as people wrote it (`1h`), for the refusal message. */
  within: z.string().min(1).optional(),
  /** What to do to satisfy it, for the refusal message (`run /precheck xizang ob ob1 first`). */
  hint: z.string().min(1).optional(),
});
export type Requirement = z.infer<typeof RequirementSchema>;

import { z } from 'zod';
import { LIMITS, limitedString } from './field-limits.ts';
import { AbsPathSchema } from './site-fields.ts';

/** The rule ADM instance names follow, so that DR groups can be built by picking names. */
export const NamingRuleSchema = z
  .strictObject({
    pattern: limitedString(LIMITS.pattern, 'characters', `a pattern has at most ${LIMITS.pattern}`).min(1),
    example: limitedString(
      LIMITS.admInstanceBytes,
      'bytes',
      `an ADM instance name has at most ${LIMITS.admInstanceBytes} (UTF-8)`,
    ).min(1),
  })
  .superRefine((v, ctx) => {
    let re: RegExp;
    try {
      re = new RegExp(v.pattern, 'u');
    } catch {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'not a valid regular expression' });
      return;
    }
    if (!re.test(v.example)) ctx.addIssue({ code: 'custom', path: ['example'], message: 'does not match pattern' });
  });

const Common = {
  /** Where ADM leaves its deployment markers on a host (a directory). */
  markers: AbsPathSchema,
  naming: NamingRuleSchema,
};

/**
 * PowerADM: `manual` at a customer site (a person installs through ADM's web UI, the bot waits for "done");
 * `scripted` in the lab, where a stand-in command performs the install.
 */
export const AdmSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('manual'), ...Common }),
  z.strictObject({ mode: z.literal('scripted'), command: AbsPathSchema, ...Common }),
]);

export type Adm = z.output<typeof AdmSchema>;

import { z } from 'zod';

/**
 * The business probe over a whole rolling upgrade, as recorded data for its chart: the probe's requests gathered
 * into equal time buckets (a long upgrade has too many requests to send or draw one by one) and the time each
 * zone was out of service. The runbook records it as a finding's JSON attachment; chat draws it.
 */
export const probeSeriesSchema = z.object({
  cluster: z.string(),
  /** The start of the first bucket (epoch ms) and the length of every bucket. */
  from: z.number(),
  bucketMs: z.number().positive(),
  /**
   * One entry per bucket in time order, `null` for a bucket without requests (the probe was not running). Latency
   * is that of the requests that succeeded (`null` when none did); a failed request counts in `errors` only.
   */
  buckets: z.array(
    z
      .object({
        requests: z.number().int().nonnegative(),
        errors: z.number().int().nonnegative(),
        meanMs: z.number().nullable(),
        maxMs: z.number().nullable(),
      })
      .nullable(),
  ),
  /** Each zone upgraded, from the start of its stop-zone step to the end of its wait for ACTIVE (absent: not yet). */
  zones: z.array(z.object({ zone: z.string(), from: z.number(), to: z.number().optional() })),
});

/** See `probeSeriesSchema`. */
export type ProbeSeries = z.infer<typeof probeSeriesSchema>;

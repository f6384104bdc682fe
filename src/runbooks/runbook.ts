import type { z } from 'zod';
import type { EngineSite } from '../engine/engine-site.ts';
import type { Finding } from '../engine/run-state.ts';
import type { CheckStep, PlanInput } from '../engine/step-schema.ts';

/** One host's (or SQL target's) result, as an evaluator sees it: already redacted. */
export interface EvaluatorInput {
  readonly target: string;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Rows, for SQL checks. */
  readonly rows?: readonly Readonly<Record<string, unknown>>[];
}

/** A pure function turning a check's results into findings; referenced from the plan by id. */
export type Evaluator = (results: readonly EvaluatorInput[], step: CheckStep) => readonly Finding[];

/**
 * A runbook: pure data and command builders. `build` turns a validated site and arguments into a plan (no I/O);
 * the registry validates the plan before anything runs.
 */
export interface Runbook<A extends Record<string, unknown> = Record<string, unknown>> {
  readonly id: string;
  readonly title: string;
  readonly args: z.ZodType<A>;
  build(site: EngineSite, args: A): PlanInput;
  /** Evaluators its check steps reference, by globally unique id (`<runbook>.<name>`). */
  readonly evaluators?: Readonly<Record<string, Evaluator>>;
}

/** Declares a runbook with its argument type inferred from the schema. */
export function defineRunbook<A extends Record<string, unknown>>(rb: Runbook<A>): Runbook {
  return rb as unknown as Runbook;
}

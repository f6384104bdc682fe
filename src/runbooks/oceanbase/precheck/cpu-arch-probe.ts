import type { Finding, RunState } from '../../../core/plan/run-state.ts';
import type { StepInput } from '../../../core/plan/step-schema.ts';
import type { Evaluator, EvaluatorInput } from '../../../core/ports/runbook.ts';

/**
 * What upgrade_checker.py's `-C/--cpu-arch` should be, read from the observers themselves.
 *
 * Source: upgrade_checker.py of OceanBase 4.3.5.5 (tools/upgrade/upgrade_checker.py; read at
 * jmh000527/oceanbase@b8d8ce0fcf4265f53c97df933602e4f12dd3c55b). `-C` takes `avx2`, `avx2_not_support` or
 * `unknown` (the default); with `unknown`, `check_cs_encoding_arch_dependency_compatiblity` runs CPUID on the
 * machine running the script (`arch_support_avx2`: x86 and leaf 7 EBX bit 5), which says nothing about the
 * observers. opsgate asks every observer host instead: the kernel lists the CPU's AVX2 in the `flags` line of
 * `/proc/cpuinfo` (absent on non-x86 machines, as the script's CPUID test is false there).
 */

export const CPU_ARCH_EVALUATOR = 'ob-precheck.cpu-arch';

/** Prints `avx2` when the CPU flags list it, else `no-avx2 <grep's exit>` (1: not listed, 2: unreadable). */
export const AVX2_PROBE_COMMAND = 'if grep -qw avx2 /proc/cpuinfo; then echo avx2; else echo "no-avx2 $?"; fi';

const CPU_ARCH_VALUES = ['avx2', 'avx2_not_support', 'unknown'] as const;
/** upgrade_checker.py's `-C` values. */
export type CpuArch = (typeof CPU_ARCH_VALUES)[number];

const TITLE = 'CPU architecture of the observer hosts (upgrade_checker.py -C)';

/** The check step that asks every observer host, before the checks run. */
export function cpuArchStep(id: string, hosts: readonly string[]): StepInput {
  return {
    kind: 'check',
    id,
    title: `Whether every observer host's CPU has AVX2 (${hosts.join(', ')}): the -C of upgrade_checker.py`,
    targets: { kind: 'hosts', hosts: [...hosts] },
    commands: hosts.map((host) => ({ host, command: AVX2_PROBE_COMMAND, timeoutMs: 30_000 })),
    evaluator: CPU_ARCH_EVALUATOR,
  };
}

/**
 * One finding whose evidence starts with the `-C` value: `avx2` when every host has it, `avx2_not_support`
 * naming the hosts without it, `unknown` (a warning) naming a host whose /proc/cpuinfo could not be read; the
 * checks then treat the cluster as without AVX2 and say so, never guess.
 */
export const cpuArchEvaluator: Evaluator = (results) => [cpuArchFinding(results)];

function cpuArchFinding(results: readonly EvaluatorInput[]): Finding {
  const withAvx2: string[] = [];
  const without: string[] = [];
  const unread: string[] = [];
  for (const r of results) {
    const out = r.stdout.trim();
    if (r.exitCode === 0 && out === 'avx2') withAvx2.push(r.target);
    else if (r.exitCode === 0 && out === 'no-avx2 1') without.push(r.target);
    else unread.push(`${r.target} (exit ${String(r.exitCode)}: ${(out || r.stderr.trim()).slice(0, 200)})`);
  }
  if (results.length === 0) unread.push('no observer host answered');
  const seen = [
    withAvx2.length > 0 ? `AVX2 on ${withAvx2.join(', ')}` : '',
    without.length > 0 ? `no AVX2 on ${without.join(', ')}` : '',
  ].filter((s) => s !== '');
  if (unread.length > 0) {
    const rest = seen.length > 0 ? `; ${seen.join('; ')}` : '';
    return {
      status: 'warn',
      title: TITLE,
      evidence: `-C unknown: /proc/cpuinfo not read on ${unread.join(', ')}${rest}`,
    };
  }
  const arch: CpuArch = without.length > 0 ? 'avx2_not_support' : 'avx2';
  return { status: 'pass', title: TITLE, evidence: `-C ${arch}: ${seen.join('; ')}` };
}

/** The `-C` the step `stepId` of this run found, or undefined when it has not run (or found nothing). */
export function cpuArchFoundBy(run: RunState, stepId: string): CpuArch | undefined {
  for (const f of run.steps[stepId]?.findings ?? []) {
    const m = /^-C (\S+):/.exec(f.evidence);
    const value = CPU_ARCH_VALUES.find((v) => v === m?.[1]);
    if (value !== undefined) return value;
  }
  return undefined;
}

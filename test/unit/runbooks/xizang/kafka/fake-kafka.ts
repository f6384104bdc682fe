import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the fake tools answer: stdout and exit code per invocation kind. */
export interface FakeAnswers {
  readonly list?: { out: string; code?: number };
  readonly describeAll?: { out: string; code?: number };
  /** Per group, for `--describe --group G`. */
  readonly describeGroup?: (group: string) => string;
  readonly brokers?: string;
}

/**
 * A Kafka home in `dir` with `libs/kafka_2.12-VERSION.jar` (plus the side jars a release tarball carries) and
 * `bin/` tools that record each invocation's arguments, one per line, in `calls.log` and print the given answers.
 */
export async function fakeKafkaHome(dir: string, version: string, answers: FakeAnswers): Promise<string> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  await mkdir(join(dir, 'libs'), { recursive: true });
  await mkdir(join(dir, 'config'), { recursive: true });
  for (const jar of [`kafka_2.12-${version}.jar`, `kafka_2.12-${version}-sources.jar`, `kafka-clients-${version}.jar`])
    await writeFile(join(dir, 'libs', jar), '');
  await writeFile(join(dir, 'list.out'), answers.list?.out ?? '');
  await writeFile(join(dir, 'all.out'), answers.describeAll?.out ?? '');
  const groups = (answers.list?.out ?? '').split('\n').filter(Boolean);
  for (const [i, g] of groups.entries()) await writeFile(join(dir, `group${i}.out`), answers.describeGroup?.(g) ?? '');
  await writeFile(join(dir, 'groups.txt'), groups.join('\n') + '\n');
  const tool = [
    '#!/bin/sh',
    `D=${JSON.stringify(dir)}`,
    'printf "%s|" "$@" >> "$D/calls.log"; echo >> "$D/calls.log"',
    'for a in "$@"; do case $a in --list) cat "$D/list.out"; exit ' +
      String(answers.list?.code ?? 0) +
      ';; --all-groups) cat "$D/all.out"; exit ' +
      String(answers.describeAll?.code ?? 0) +
      ';; esac; done',
    'g=; prev=; for a in "$@"; do [ "$prev" = --group ] && g=$a; prev=$a; done',
    'n=$(grep -nxF -- "$g" "$D/groups.txt" | head -n 1 | cut -d: -f1); cat "$D/group$((n - 1)).out"',
  ].join('\n');
  await writeFile(join(dir, 'bin', 'kafka-consumer-groups.sh'), tool);
  await writeFile(
    join(dir, 'bin', 'zookeeper-shell.sh'),
    `#!/bin/sh\nprintf "%s|" zookeeper-shell "$@" >> ${JSON.stringify(join(dir, 'calls.log'))}; echo >> ${JSON.stringify(join(dir, 'calls.log'))}\necho "Connecting to $1"\nprintf '%s\\n' ${JSON.stringify(answers.brokers ?? '[1, 2, 3]')}\n`,
  );
  await chmod(join(dir, 'bin', 'kafka-consumer-groups.sh'), 0o755);
  await chmod(join(dir, 'bin', 'zookeeper-shell.sh'), 0o755);
  return dir;
}

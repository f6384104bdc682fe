import { raw, sh } from '../../../core/shell-quote.ts';

/** How `kafka-consumer-groups.sh` is asked for every group's lag. */
export type GroupsForm = 'all-groups' | 'list-then-describe';

/** A range of Kafka versions whose tools we know, and the command form they take. */
export interface KafkaToolForm {
  /** First version of the range (inclusive). */
  readonly from: string;
  /** First version after the range (exclusive). */
  readonly before: string;
  readonly groups: GroupsForm;
  /** Whether `--describe` prints a GROUP column first (KIP-379 added it with --all-groups). */
  readonly groupColumn: boolean;
  /** Why, with the upstream source. */
  readonly source: string;
}

/**
 * The Kafka versions the runbook knows, read from apache/kafka's ConsumerGroupCommand (core/…/admin/*.scala up to
 * 3.7, tools/…/consumer/group/*.java in 3.8) at each release tag. Every one of them prints tool failures as
 * `Error: …` on stdout and still exits 0, and ships `bin/zookeeper-shell.sh HOST:PORT[/chroot] ls PATH`
 * (ZooKeeperMain). A version outside every range (older, newer than we read, or not a release) is refused before
 * anything is touched.
 */
export const KAFKA_TOOL_FORMS: readonly KafkaToolForm[] = [
  {
    from: '2.0.0',
    before: '2.3.0',
    groups: 'list-then-describe',
    groupColumn: false,
    source: '2.0.0–2.2.x: no --all-groups (jopt-simple rejects it), one --group per --describe, no GROUP column',
  },
  {
    // 2.3.0 is the first release with --all-groups (KAFKA-7471; ConsumerGroupCommand.scala at tag 2.3.0 has
    // allGroupsOpt, 2.2.1 has not). The 2.3 line is still asked group by group, the form every 2.x release takes:
    // the sites run 2.3.0, and one form for the whole line leaves nothing to the exact patch level.
    from: '2.3.0',
    before: '2.4.0',
    groups: 'list-then-describe',
    groupColumn: true,
    source: '2.3.x: --list, then --describe --group for each (the GROUP column KIP-379 added is printed)',
  },
  {
    from: '2.4.0',
    before: '3.9.0',
    groups: 'all-groups',
    groupColumn: true,
    source: '2.4.0–3.8.x: --describe --all-groups (KIP-379), GROUP column',
  },
];

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/** `2.3.0` → 2003000; undefined for anything that is not three numbers. */
function rank(version: string): number | undefined {
  const m = VERSION.exec(version);
  if (m === null) return undefined;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return b < 1000 && c < 1000 ? (a * 1000 + b) * 1000 + c : undefined;
}

/** The form of the tools of Kafka `version`, or undefined when no form is known for it. */
export function kafkaToolForm(version: string): KafkaToolForm | undefined {
  const r = rank(version);
  if (r === undefined) return undefined;
  return KAFKA_TOOL_FORMS.find((f) => r >= (rank(f.from) ?? Infinity) && r < (rank(f.before) ?? -Infinity));
}

/** The known ranges in words, for a refusal. */
export function knownKafkaVersions(): string {
  return KAFKA_TOOL_FORMS.map((f) => `${f.from} up to ${f.before} (exclusive): ${f.groups}`).join('; ');
}

/** An awk program printing the form of the version on its input line: the same table as `kafkaToolForm`. */
function formAwk(): string {
  const tests = KAFKA_TOOL_FORMS.map(
    (f) => `if (n >= ${rank(f.from) ?? 0} && n < ${rank(f.before) ?? 0}) f = "${f.groups}"`,
  ).join('; ');
  return `/^[0-9]+\\.[0-9]+\\.[0-9]+$/ { split($0, p, "."); if (p[2] < 1000 && p[3] < 1000) { n = (p[1] * 1000 + p[2]) * 1000 + p[3]; ${tests} } } END { print (f == "" ? "unknown" : f) }`;
}

/**
 * Reads the version of the Kafka install at `home` from its core jar, `libs/kafka_<scala>-<version>.jar` (the
 * -sources, -javadoc, -scaladoc and -test jars beside it are not the core jar), and sets the shell variables
 * `kafka_version` (empty when there is no single core jar) and `kafka_form` (`all-groups`, `list-then-describe` or
 * `unknown`). Prints `jar=NAME` per core jar found, then `version=…` and `form=…`.
 */
export function readKafkaVersion(home: string): string {
  const jar = String.raw`^kafka_[0-9][0-9.]*-[0-9][0-9A-Za-z.-]*\.jar$`;
  const side = String.raw`-(sources|javadoc|scaladoc|test|test-sources)\.jar$`;
  const ver = String.raw`s/^kafka_[0-9][0-9.]*-\(.*\)\.jar$/\1/p`;
  return [
    sh`kafka_jars=$(ls -1 ${`${home}/libs`} 2>/dev/null | grep -E -e ${jar} | grep -vE -e ${side})`,
    `printf '%s\\n' "$kafka_jars" | sed -n 's/^./jar=&/p'`,
    sh`kafka_version=$(printf '%s\\n' "$kafka_jars" | sed -n ${ver} | sort -u)`,
    `[ "$(printf '%s\\n' "$kafka_version" | wc -l)" -le 1 ] || kafka_version=`,
    sh`kafka_form=$(printf '%s\\n' "$kafka_version" | awk ${raw(sh`${formAwk()}`)})`,
    `echo "version=$kafka_version"`,
    `echo "form=$kafka_form"`,
  ].join('; ');
}

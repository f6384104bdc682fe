import { sh } from '../../../core/shell-quote.ts';

/** Command builders the precheck shares; each prints plain lines an evaluator parses. */

/** ZooKeeper's four-letter `srvr` over bash's /dev/tcp (no nc needed), at most 5 s. */
export function zkFourLetter(port: number, word: 'srvr' | 'mntr'): string {
  return sh`timeout 5 bash -c ${'exec 3<>/dev/tcp/127.0.0.1/$0 && printf %s "$1" >&3 && cat <&3'} ${port} ${word}`;
}

/**
 * The broker ids registered in ZooKeeper as zkCli prints them (`[1, 2, 3]`), asked with the ensemble's zkCli (or the
 * distro's). When zkCli prints no such line, it fails (exit 1) naming zkCli, its exit code and the end of its output.
 */
export function zkBrokerIds(zkHome: string, port: number): string {
  const cli = `${zkHome}/bin/zkCli.sh`;
  return [
    sh`cli=${cli}; [ -x "$cli" ] || cli=/usr/share/zookeeper/bin/zkCli.sh`,
    sh`out=$(timeout 30 "$cli" -server ${`127.0.0.1:${port}`} ls /brokers/ids 2>&1); rc=$?`,
    sh`ids=$(printf '%s\\n' "$out" | grep -E ${String.raw`^\[[0-9, ]*\]$`} | tail -n 1)`,
    sh`if [ -n "$ids" ]; then echo "$ids"; else echo "$cli ls /brokers/ids (exit $rc): $(printf '%s\\n' "$out" | grep -v '^[[:space:]]*$' | tail -n 3 | tr ${String.raw`\n`} ' ')"; false; fi`,
  ].join('; ');
}

/** `inet ADDRESS` for every IPv4 address of the host; when ip fails, its first lines and its exit code. */
export function ipv4Addresses(): string {
  return [
    'a=$(ip -o -4 addr show 2>&1); rc=$?',
    String.raw`printf '%s\n' "$a" | awk '$3 == "inet" { sub(/\/.*/, "", $4); print "inet " $4 }'`,
    String.raw`[ $rc -eq 0 ] || { printf '%s\n' "$a" | head -n 3; (exit $rc); }`,
  ].join('; ');
}

/** `NAME ADDRESS…` per record, asked of one DNS server (no recursion, A records). */
export function digRecords(server: string, port: number, zone: string, names: readonly string[]): string {
  const fqdns = names.map((n) => (n.endsWith('.') ? n : `${n}.${zone}.`));
  return sh`for n in ${fqdns}; do printf ${String.raw`%s %s\n`} "$n" "$(dig +short +norecurse +time=2 +tries=1 -p ${port} @${server} "$n" A | tr ${String.raw`\n`} ' ')"; done`;
}

/**
 * What lies under one scanned location, read the way grep reads it: `missing` when the path does not exist, else
 * `files=N` (the files the include globs select), then `FILE:LINE:TEXT` for every line holding an IPv4 address
 * (comment lines skipped), then `grep-exit=N` (0 found, 1 none, 2 grep failed).
 */
export function grepAddresses(path: string, include: readonly string[]): string {
  const includes = include.map((g) => `--include=${g}`);
  const names = include.flatMap((g, i) => (i === 0 ? ['-name', g] : ['-o', '-name', g]));
  return [
    sh`if [ ! -e ${path} ]; then echo missing; else echo "files=$(find ${path} -type f '(' ${names} ')' | wc -l)"`,
    sh`{ grep -rHnE ${includes} ${'([0-9]{1,3}\\.){3}[0-9]{1,3}'} -- ${path}; echo "grep-exit=$?"; } 2>&1 | grep -vE ${'^[^:]*:[0-9]+:[[:space:]]*#'}; fi`,
  ].join('; ');
}

/**
 * The host's listening TCP sockets as `ss -ltnp` prints them: its header line (`State …`, checked by the reader:
 * no `-H`, which old iproute2 lacks), then `LISTEN … LOCAL PEER users:(("NAME",pid=N,fd=N))` per socket.
 */
export function listeningSockets(): string {
  return 'ss -ltnp';
}

/** The first `version=` value or else the first line of a file, its sha256 and its date; `MISSING` when unreadable. */
export function readVersionFile(path: string): string {
  return sh`if [ -r ${path} ]; then v=$(sed -n 's/^version=//p' ${path} | head -n 1); [ -n "$v" ] || v=$(head -n 1 ${path}); echo "version=$v"; sha256sum ${path} | awk '{print "sha256=" $1}'; echo "date=$(date -u -r ${path} +%Y-%m-%d)"; else echo MISSING; fi`;
}

/**
 * `jar=NAME<TAB>VERSION` for every jar of a directory, VERSION being the `Implementation-Version` of the jar's own
 * manifest (what Maven and Spring Boot's build write); `jar=NAME<TAB>error: …` when unzip cannot read it;
 * `MISSING` when the directory does not exist; `error: no unzip on the host` without unzip.
 */
export function readJarVersions(dir: string): string {
  const manifest = String.raw`s/^Implementation-Version:[[:space:]]*//p`;
  const nl = String.raw`\n`;
  return [
    sh`if [ ! -d ${dir} ]; then echo MISSING; elif ! command -v unzip >/dev/null 2>&1; then echo 'error: no unzip on the host'; else`,
    sh`for j in ${dir}/*.jar; do [ -e "$j" ] || continue; m=$(unzip -p "$j" META-INF/MANIFEST.MF 2>&1); rc=$?;`,
    sh`if [ "$rc" -ne 0 ]; then printf ${String.raw`jar=%s\terror: unzip exit %s: %s\n`} "$(basename "$j")" "$rc" "$(printf %s "$m" | head -n 2 | tr ${nl} ' ')";`,
    sh`else printf ${String.raw`jar=%s\t%s\n`} "$(basename "$j")" "$(printf ${`%s${nl}`} "$m" | tr -d ${String.raw`\r`} | sed -n ${manifest} | head -n 1)"; fi; done; fi`,
  ].join(' ');
}

/**
 * `revision=R` of a yum repository: the `<revision>` of its `repodata/repomd.xml`, which createrepo sets to the
 * time it ran unless told otherwise; `MISSING` when the repository has no repomd.xml.
 */
export function readRepoRevision(dir: string): string {
  const file = `${dir.replace(/\/+$/, '')}/repodata/repomd.xml`;
  const revision = String.raw`s:.*<revision>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</revision>.*:\1:p`;
  return sh`if [ -r ${file} ]; then echo "revision=$(tr -d ${String.raw`\n`} < ${file} | sed -n ${revision})"; else echo MISSING; fi`;
}

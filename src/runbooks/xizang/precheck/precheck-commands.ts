import { sh } from '../../../core/shell-quote.ts';

/** Command builders the precheck shares; each prints plain lines an evaluator parses. */

/** ZooKeeper's four-letter `srvr` over bash's /dev/tcp (no nc needed), at most 5 s. */
export function zkFourLetter(port: number, word: 'srvr' | 'mntr'): string {
  return sh`timeout 5 bash -c ${'exec 3<>/dev/tcp/127.0.0.1/$0 && printf %s "$1" >&3 && cat <&3'} ${port} ${word}`;
}

/** Lists the broker ids registered in ZooKeeper (`[1, 2, 3]`), with the ensemble's zkCli (or the distro's). */
export function zkBrokerIds(zkHome: string, port: number): string {
  const cli = `${zkHome}/bin/zkCli.sh`;
  return sh`cli=${cli}; [ -x "$cli" ] || cli=/usr/share/zookeeper/bin/zkCli.sh; timeout 30 "$cli" -server ${`127.0.0.1:${port}`} ls /brokers/ids 2>/dev/null | grep -E ${String.raw`^\[`} | tail -n 1`;
}

/** `INSTANCE<TAB>PRODUCT` for every ADM marker (`<dir>/<instance>.json`) on the host; nothing when there is none. */
export function admMarkers(dir: string): string {
  const product = String.raw`s/.*"product": *"\([^"]*\)".*/\1/p`;
  return sh`for f in ${dir}/*.json; do [ -e "$f" ] || continue; printf ${String.raw`%s\t%s\n`} "$(basename "$f" .json)" "$(sed -n ${product} "$f" | head -n 1)"; done`;
}

/** `NAME ADDRESS…` per record, asked of one DNS server (no recursion, A records). */
export function digRecords(server: string, port: number, zone: string, names: readonly string[]): string {
  const fqdns = names.map((n) => (n.endsWith('.') ? n : `${n}.${zone}.`));
  return sh`for n in ${fqdns}; do printf ${String.raw`%s %s\n`} "$n" "$(dig +short +norecurse +time=2 +tries=1 -p ${port} @${server} "$n" A | tr ${String.raw`\n`} ' ')"; done`;
}

/** `FILE:LINE:TEXT` for every line holding an IPv4 address under `paths`, comments skipped. */
export function grepAddresses(paths: readonly string[], include: readonly string[]): string {
  const includes = include.map((g) => `--include=${g}`);
  return sh`grep -rHnE ${includes} ${'([0-9]{1,3}\\.){3}[0-9]{1,3}'} -- ${paths} | grep -vE ${'^[^:]*:[0-9]+:[[:space:]]*#'}`;
}

/** The listening TCP ports of the host with their process names. */
export function listeningPorts(): string {
  return `ss -Hltnp 2>/dev/null | awk '{print $4, $6}'`;
}

/** `service NAME status` as a word: running, stopped or missing (no init script). */
export function serviceState(service: string): string {
  return sh`if [ -e ${`/etc/init.d/${service}`} ]; then if service ${service} status >/dev/null 2>&1; then echo running; else echo stopped; fi; else echo missing; fi`;
}

/** The first `version=` value or else the first line of a version file; `MISSING` when unreadable. */
export function readVersionFile(path: string): string {
  return sh`if [ -r ${path} ]; then v=$(sed -n 's/^version=//p' ${path} | head -n 1); [ -n "$v" ] || v=$(head -n 1 ${path}); echo "version=$v"; sha256sum ${path} | awk '{print "sha256=" $1}'; else echo MISSING; fi`;
}

import type { Probe, RollbackStep, StepInput } from '../../../core/plan/step-schema.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
import { compareDigestsCommand, DIGEST_PATTERN, scratchDigestCommand } from './data-digest.ts';
import { fingerprintCommand, redisCli } from './redis-cli.ts';
import { oldRedisService } from './redis-service.ts';
import { serviceProbe } from '../shared/site-services.ts';
import { hostTargets } from '../shared/xizang-site.ts';
import type { RedisLayout } from './upgrade-redis-steps.ts';

/**
 * The data proof of a Redis phase, valid for a master that takes writes until it stops: the new instance (and,
 * after a rollback, the old one restarted) is compared with the data as it was when the old master stopped, its
 * final dump, never with a snapshot taken while clients could still write. Redis 5.0.5 writes that dump when it
 * stops (SIGTERM or SHUTDOWN: `prepareForShutdown` in src/server.c saves "the final RDB snapshot before exiting"
 * when save points are configured, and refuses to exit when that save fails); r02 makes sure the running master
 * has a save point. The digests are streamed (data-digest.ts); the dump is read in a scratch redis-server.
 */

/** Where the proof keeps its records on the master (mode 700, never a password in them). */
export function proofFiles(l: RedisLayout) {
  const d = l.stateDir;
  return {
    /** `dir/dbfilename` as the running master reported them (CONFIG GET): where it writes its final dump. */
    dumpPath: `${d}/final-dump-path`,
    /** Touched when r02 ran: the final dump must be newer. */
    armed: `${d}/armed`,
    /** The save points the master had when r02 had to add one (the rollback puts them back). */
    saveBefore: `${d}/save-before`,
    finalDigest: `${d}/final-dump-digest`,
    nowDigest: `${d}/digest-now`,
  };
}

/** Fails with a message on stderr (the step's output names what is wrong). */
const die = (msg: string) => raw(sh`{ echo ${msg} >&2; exit 1; }`);

/** A digest of a big data set takes a while; an hour before a host is taken as gone. */
const DIGEST_TIMEOUT_MS = 3_600_000;

/** `CONFIG GET name` of the old master into shell variable `v`, refusing an answer that is not `name` + value. */
function configGet(l: RedisLayout, name: string, v: string): string {
  const out = `${v}_out`;
  return [
    `${out}=$(${redisCli(l.r, ['CONFIG', 'GET', name])} 2>&1)`,
    sh`[ "$(printf '%s\\n' "$${raw(out)}" | sed -n 1p)" = ${name} ] || { echo ${`redis-cli CONFIG GET ${name} answered:`} "$${raw(out)}" >&2; exit 1; }`,
    `${v}=$(printf '%s\\n' "$${out}" | sed -n 2p)`,
  ].join('\n');
}

/**
 * r02: before the stop, makes sure the master will write its final dump, and records where. A master without
 * save points (`save ""`) saves nothing when it stops; it gets one at run time (`CONFIG SET save "900 1"`, not
 * written to its config: the restart drops it), and the rollback puts the old value back.
 */
export function armStep(l: RedisLayout): StepInput {
  const { r } = l;
  const f = proofFiles(l);
  const cmd = [
    sh`mkdir -p -m 700 ${l.stateDir} && rm -f -- ${f.finalDigest} ${f.nowDigest} ${f.saveBefore} || exit 1`,
    configGet(l, 'save', 'save'),
    configGet(l, 'dir', 'dir'),
    configGet(l, 'dbfilename', 'file'),
    sh`case $dir in /*) ;; *) ${die('redis-cli CONFIG GET dir answered a relative path')} ;; esac; [ -n "$file" ] || ${die('redis-cli CONFIG GET dbfilename answered nothing')}`,
    `if [ -z "$save" ]; then`,
    sh`  : > ${f.saveBefore} && a=$(${raw(redisCli(r, ['CONFIG', 'SET', 'save', '900 1']))} 2>&1); [ "$a" = OK ] || { echo "redis-cli CONFIG SET save answered: $a" >&2; exit 1; }`,
    `  echo 'save points: none configured; set "900 1" at run time so that the stop writes the final dump'`,
    `else echo "save points: $save (the stop writes the final dump)"; fi`,
    sh`printf '%s/%s\\n' "$dir" "$file" > ${f.dumpPath} && touch -- ${f.armed} && echo "final dump: $dir/$file"`,
  ].join('\n');
  const undo = [
    sh`[ -f ${f.saveBefore} ] || { echo 'the master had save points: nothing to put back'; exit 0; }`,
    `a=$(${redisCli(r, ['PING'])} 2>&1)`,
    sh`[ "$a" = PONG ] || { echo "the master does not run ($a): a restart drops the run-time save point"; rm -f -- ${f.saveBefore}; exit 0; }`,
    sh`a=$(${raw(redisCli(r, ['CONFIG', 'SET', 'save']))} "$(cat ${f.saveBefore})" 2>&1); [ "$a" = OK ] || { echo "redis-cli CONFIG SET save answered: $a" >&2; exit 1; }`,
    sh`rm -f -- ${f.saveBefore} && echo 'save points put back as they were (none)'`,
  ].join('\n');
  return {
    kind: 'action',
    id: 'r02-arm-final-dump',
    title: `Make sure ${r.master} writes its final dump when it stops, and record where`,
    targets: hostTargets([r.master]),
    preconditions: [serviceProbe(oldRedisService(r), 'running', [r.master])],
    commands: [{ host: r.master, command: cmd }],
    verify: [{ kind: 'path-exists', path: f.dumpPath, hosts: [r.master] }],
    rollback: {
      steps: [
        {
          kind: 'action',
          id: 'r02-arm-final-dump-undo',
          title: `Put back the save points of ${r.master} if r02 changed them`,
          targets: hostTargets([r.master]),
          commands: [{ host: r.master, command: undo }],
        },
      ],
    },
  };
}

/**
 * r03 follow-up: with the old master stopped, checks that its dump was written at the stop (newer than r02) and
 * digests it in a scratch redis-server of the old install (the binary that wrote it; the stopped master's memory
 * is free by then). The digest is the reference every later comparison uses.
 */
export function finalDumpStep(l: RedisLayout): StepInput {
  const { r } = l;
  const f = proofFiles(l);
  const cmd = [
    sh`p=$(cat ${f.dumpPath}) && [ -n "$p" ] || ${die(`no final dump recorded in ${f.dumpPath} (r02 did not run)`)}`,
    `[ -s "$p" ] || { echo "the master left no dump at $p" >&2; exit 1; }`,
    sh`[ "$p" -nt ${f.armed} ] || { echo "$p is older than r02: the master did not write its final dump when it stopped" >&2; exit 1; }`,
    `echo "final dump $p: $(wc -c < "$p") bytes, sha256 $(sha256sum < "$p" | cut -c1-64)"`,
    scratchDigestCommand({
      server: `${r.home}/bin/redis-server`,
      cli: `${r.home}/bin/redis-cli`,
      dump: raw('"$p"'),
      workDir: l.stateDir,
      out: f.finalDigest,
    }),
  ].join('\n');
  return {
    kind: 'action',
    id: 'r03-final-dump',
    title: `Digest the final dump ${r.master} wrote when it stopped (in a scratch redis-server on a private socket)`,
    targets: hostTargets([r.master]),
    preconditions: [
      serviceProbe(oldRedisService(r), 'stopped', [r.master]),
      { kind: 'path-exists', path: f.dumpPath, hosts: [r.master] },
    ],
    commands: [{ host: r.master, command: cmd, timeoutMs: DIGEST_TIMEOUT_MS }],
    verify: [{ kind: 'output-matches', command: sh`cat ${f.finalDigest}`, pattern: DIGEST_PATTERN, hosts: [r.master] }],
    irreversible: {
      reason: `only reads the dump (linked into a private directory, the scratch server never writes) and records its digest in ${l.stateDir}`,
    },
  };
}

/** The comparison of the digest just taken with the final dump's (quick: two small files). */
export function dataEqualProbe(l: RedisLayout): Probe {
  const f = proofFiles(l);
  return {
    kind: 'output-matches',
    command: compareDigestsCommand(f.finalDigest, f.nowDigest),
    pattern: '^data-equal$',
    hosts: [l.r.master],
  };
}

/** Digests the instance of `install` running on the master and compares it with the final dump; fails unless equal. */
export function digestAndCompare(l: RedisLayout, install: { home: string; config: string }): string {
  const f = proofFiles(l);
  return [
    sh`[ -s ${f.finalDigest} ] || ${die(`no digest of the final dump in ${f.finalDigest} (r03-final-dump did not run): the data cannot be compared`)}`,
    sh`rm -f -- ${f.nowDigest}`,
    `( ${fingerprintCommand({ ...install, port: l.r.port, workDir: l.stateDir, out: f.nowDigest })}\n) >/dev/null || exit 1`,
    `${compareDigestsCommand(f.finalDigest, f.nowDigest)} || exit 1`,
  ].join('\n');
}

/**
 * Appended to r03's rollback, after the old instance is started again: its data equals the final dump. (Clients
 * writing through the VIP before this runs make it differ: then it stops at a failure gate showing both.)
 */
export function dataAfterUndoStep(l: RedisLayout): RollbackStep {
  const { r } = l;
  return {
    kind: 'action',
    id: 'r03-stop-undo-data',
    title: `Compare the data of the restarted ${r.name} with its final dump`,
    targets: hostTargets([r.master]),
    destructive: false,
    preconditions: [],
    commands: [
      {
        host: r.master,
        command: digestAndCompare(l, { home: r.home, config: r.config }),
        timeoutMs: DIGEST_TIMEOUT_MS,
      },
    ],
    sql: [],
    verify: [dataEqualProbe(l)],
  };
}

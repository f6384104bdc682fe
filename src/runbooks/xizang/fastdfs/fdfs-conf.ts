import { sh } from '../../../core/shell-quote.ts';

/**
 * FastDFS's config files (tracker.conf, storage.conf, client.conf, mod_fastdfs.conf) read on the host the way
 * FastDFS reads them, with libfastcommon's ini reader (src/ini_file_reader.c): a line is split at its first `=`
 * and both sides trimmed of blanks; a line whose first non-blank character is `#` is a comment (there are no
 * end-of-line comments, and quotes stay part of the value); `[name]` starts a section, whose items are not the
 * global ones FastDFS reads; `#include FILE` at the very start of a line reads FILE in place (a relative FILE
 * against the directory of the top file; a missing one fails the load); of a repeated key the last value wins,
 * and a multi-valued key (`tracker_server`) has every value in file order. An awk program, so it runs on any host.
 */
const INI_AWK = String.raw`
function trim(s) { sub(/^[ \t\r\n]+/, "", s); sub(/[ \t\r\n]+$/, "", s); return s }
function load(f, depth,    line, inc, sec, p, k, rc) {
  if (depth > 16) { print "include nesting too deep at " f > "/dev/stderr"; exit 2 }
  sec = ""
  while ((rc = (getline line < f)) > 0) {
    if (tolower(substr(line, 1, 8)) == "#include" && (substr(line, 9, 1) == " " || substr(line, 9, 1) == "\t")) {
      inc = trim(substr(line, 10)); if (substr(inc, 1, 1) != "/") inc = dir "/" inc
      load(inc, depth + 1); sec = ""; continue
    }
    line = trim(line)
    if (line == "" || substr(line, 1, 1) == "#") continue
    if (line ~ /^\[.*\]$/) { sec = trim(substr(line, 2, length(line) - 2)); continue }
    p = index(line, "="); if (p == 0) continue
    k = trim(substr(line, 1, p - 1))
    if (sec == "" && k == key) vals[++n] = trim(substr(line, p + 1))
  }
  if (rc < 0) { print "cannot read " f > "/dev/stderr"; exit 2 }
  close(f)
}
BEGIN {
  top = ARGV[1]; ARGV[1] = ""; dir = top; if (!sub(/\/[^\/]*$/, "", dir)) dir = "."
  n = 0; load(top, 0)
  if (all) { for (i = 1; i <= n; i++) print vals[i] } else if (n > 0) print vals[n]
  exit n > 0 ? 0 : 1
}`;

/**
 * Prints the value of `key` in FastDFS config `file` as FastDFS reads it (the last one; every one with `all`);
 * exits 1 when the key is absent, 2 when the file or an include cannot be read.
 */
export function fdfsConfValue(file: string, key: string, opts: { all?: boolean } = {}): string {
  return sh`awk -v key=${key} -v all=${opts.all === true ? 1 : 0} ${INI_AWK} ${file}`;
}

/** A shell function `norm PATH`: the path with repeated `/` collapsed and a trailing `/` dropped, for comparing. */
export const NORM_PATH_FN = String.raw`norm() { printf '%s\n' "$1" | sed -e 's#//*#/#g' -e 's#\(.\)/$#\1#'; }`;

/** `/mysql/storage0/` → `/mysql/storage0`: the site file's paths compared as the hosts' are. */
export function normPath(path: string): string {
  const p = path.replace(/\/+/g, '/');
  return p.length > 1 ? p.replace(/\/$/, '') : p;
}

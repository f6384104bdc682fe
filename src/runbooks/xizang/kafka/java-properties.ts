import { sh } from '../../../core/shell-quote.ts';

/**
 * java.util.Properties.load (JDK 8) as POSIX awk: how Kafka reads server.properties (Utils.loadProps) and ZooKeeper
 * reads zoo.cfg (QuorumPeerConfig.parse). A natural line's leading blanks are skipped; blank lines and lines whose
 * first other character is `#` or `!` are skipped; a line ending in an odd number of backslashes continues on the
 * next (its leading blanks skipped); the key ends at the first unescaped `=`, `:` or blank, then blanks, one `=` or
 * `:`, and blanks are skipped; `\t \n \r \f \uXXXX \X` are unescaped; the last occurrence of a key wins. Values
 * are printed trimmed, as Kafka (ConfigDef.parseType) and ZooKeeper (parseProperties) trim them; an unescaped
 * newline is printed as `\n` so one key stays on one line.
 */
const PROGRAM = String.raw`
function hexval(h,   i, n, c) { n = 0; for (i = 1; i <= length(h); i++) { c = index("0123456789abcdef", tolower(substr(h, i, 1))); if (c == 0) return -1; n = n * 16 + c - 1 } return n }
function utf8(n) {
  if (n < 128) return sprintf("%c", n)
  if (n < 2048) return sprintf("%c%c", 192 + int(n / 64), 128 + n % 64)
  return sprintf("%c%c%c", 224 + int(n / 4096), 128 + int(n / 64) % 64, 128 + n % 64)
}
function unesc(s,   out, i, c, n, h) {
  out = ""; n = length(s)
  for (i = 1; i <= n; i++) {
    c = substr(s, i, 1)
    if (c != "\\" || i == n) { out = out c; continue }
    i++; c = substr(s, i, 1)
    if (c == "u" && i + 4 <= n && (h = hexval(substr(s, i + 1, 4))) >= 0) { out = out utf8(h); i += 4 }
    else if (c == "t") out = out "\t"
    else if (c == "n") out = out "\\n"
    else if (c == "r") out = out "\r"
    else if (c == "f") out = out "\f"
    else out = out c
  }
  return out
}
function store(s,   n, i, c, bs, ke, vs, sep, k, v) {
  n = length(s); ke = n + 1; vs = n + 1; bs = 0; sep = 0
  for (i = 1; i <= n; i++) {
    c = substr(s, i, 1)
    if ((c == "=" || c == ":") && !bs) { ke = i; vs = i + 1; sep = 1; break }
    if ((c == " " || c == "\t" || c == "\f") && !bs) { ke = i; vs = i + 1; break }
    bs = (c == "\\") ? !bs : 0
  }
  for (; vs <= n; vs++) {
    c = substr(s, vs, 1)
    if (c == " " || c == "\t" || c == "\f") continue
    if (!sep && (c == "=" || c == ":")) { sep = 1; continue }
    break
  }
  k = unesc(substr(s, 1, ke - 1))
  if (!(k in want)) return
  v = unesc(substr(s, vs)); sub(/^[ \t\f\r]+/, "", v); sub(/[ \t\f\r]+$/, "", v)
  val[k] = v
}
BEGIN { nk = split(keys, order, " "); for (i = 1; i <= nk; i++) want[order[i]] = 1 }
{
  line = $0; sub(/\r$/, "", line); sub(/^[ \t\f]+/, "", line)
  if (!cont) { if (line == "" || substr(line, 1, 1) == "#" || substr(line, 1, 1) == "!") next; buf = "" }
  buf = buf line
  t = 0; for (i = length(line); i > 0 && substr(line, i, 1) == "\\"; i--) t++
  if (t % 2 == 1) { buf = substr(buf, 1, length(buf) - 1); cont = 1; next }
  cont = 0; store(buf)
}
END { if (cont) store(buf); for (i = 1; i <= nk; i++) if (order[i] in val) print order[i] "=" val[order[i]] }
`;

/** A key Java reads as itself: no blank, `=`, `:` or backslash (every Kafka and ZooKeeper setting name). */
const PLAIN_KEY = /^[A-Za-z0-9_.-]+$/;

/**
 * Prints `key=value` for each of `keys` set in the properties file at `path` (its last occurrence, trimmed), in
 * the order given; a key that is not set prints nothing. Exits 2 with `cannot read PATH` when the file is not
 * readable.
 */
export function readProperties(path: string, keys: readonly string[]): string {
  for (const k of keys) if (!PLAIN_KEY.test(k)) throw new TypeError(`not a plain properties key: ${k}`);
  return sh`if [ -r ${path} ]; then LC_ALL=C awk -v ${`keys=${keys.join(' ')}`} ${PROGRAM} ${path}; else echo ${`cannot read ${path}`}; (exit 2); fi`;
}

/** The value a `readProperties` output gives `key`, or undefined when the key was not set. */
export function propertyOf(lines: readonly string[], key: string): string | undefined {
  const prefix = `${key}=`;
  const line = lines.findLast((l) => l.startsWith(prefix));
  return line?.slice(prefix.length);
}

/**
 * A path as Java's File and a shell see the same directory: repeated slashes and a trailing slash dropped, `.`
 * and `..` resolved lexically. Relative paths stay relative.
 */
export function normalisePath(p: string): string {
  const abs = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && parts.length > 0 && parts.at(-1) !== '..') parts.pop();
    else if (seg !== '..' || !abs) parts.push(seg);
  }
  return (abs ? '/' : '') + parts.join('/') || (abs ? '/' : '.');
}

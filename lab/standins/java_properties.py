"""Reads a `.properties` file the way java.util.Properties.load(Reader) does (JDK 8), for the stand-ins whose real
software reads its config that way: Kafka's server.properties (kafka.Kafka → Utils.loadProps) and ZooKeeper's
zoo.cfg (QuorumPeerConfig.parse).

What it imitates, from java/util/Properties.java (LineReader, load0, loadConvert):
- a natural line ends at \\n, \\r or \\r\\n; leading spaces, tabs and form feeds are skipped; blank lines are skipped;
- a line whose first other character is `#` or `!` is a comment (even when it ends with a backslash);
- a line ending in an odd number of backslashes continues on the next one (whose leading whitespace is skipped);
- the key ends at the first unescaped `=`, `:` or whitespace; then whitespace, one optional `=` or `:`, and more
  whitespace are skipped; the rest is the value;
- `\\t \\n \\r \\f`, `\\uXXXX` and `\\X` (→ X) are unescaped in keys and values;
- a repeated key keeps the last value (Hashtable.put).
Kafka (ConfigDef.parseType) and ZooKeeper (QuorumPeerConfig.parseProperties) then trim each value: `value()` does.
"""

WS = ' \t\f'


def _natural_lines(text):
    return text.replace('\r\n', '\n').replace('\r', '\n').split('\n')


def _logical_lines(text):
    buf, cont = None, False
    for raw in _natural_lines(text):
        line = raw.lstrip(WS)
        if not cont:
            if not line or line[0] in '#!':
                continue
            buf = ''
        buf += line
        trailing = len(line) - len(line.rstrip('\\'))
        if trailing % 2 == 1:
            buf, cont = buf[:-1], True
            continue
        cont = False
        yield buf
    if cont and buf:
        yield buf


def _unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c != '\\' or i + 1 >= len(s):
            out.append(c)
            i += 1
            continue
        c = s[i + 1]
        if c == 'u' and i + 6 <= len(s):
            out.append(chr(int(s[i + 2:i + 6], 16)))
            i += 6
            continue
        out.append({'t': '\t', 'n': '\n', 'r': '\r', 'f': '\f'}.get(c, c))
        i += 2
    return ''.join(out)


def _split(line):
    n, i, backslash, has_sep = len(line), 0, False, False
    key_end = value_start = n
    while i < n:
        c = line[i]
        if c in '=:' and not backslash:
            key_end, value_start, has_sep = i, i + 1, True
            break
        if c in WS and not backslash:
            key_end, value_start = i, i + 1
            break
        backslash = (not backslash) if c == '\\' else False
        i += 1
    while value_start < n:
        c = line[value_start]
        if c not in WS:
            if not has_sep and c in '=:':
                has_sep = True
            else:
                break
        value_start += 1
    return _unescape(line[:key_end]), _unescape(line[value_start:])


def parse(text):
    """Every key with its last value, as Properties holds them (values not trimmed)."""
    props = {}
    for line in _logical_lines(text):
        key, value = _split(line)
        props[key] = value
    return props


def load(path):
    with open(path, encoding='latin-1') as f:
        return parse(f.read())


def value(props, key, default=None):
    """The trimmed value of `key` (as Kafka and ZooKeeper read it), or `default` when the key is absent."""
    return props[key].strip() if key in props else default

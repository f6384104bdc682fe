"""What the FastDFS stand-ins share: config files read as libfastcommon reads them, and FastDFS's packet header.

Imitated upstream (read at happyfish100/libfastcommon V1.0.36, the release FastDFS V5.11 requires, and
happyfish100/fastdfs V5.11 / V6.06):

- src/ini_file_reader.c, iniDoLoadItemsFromBuffer: a line is split at its first `=`; name and value are trimmed
  of blanks (STR_TRIM), so `base_path = /app/tracker` is `base_path`; a line whose first non-blank character is
  `#` is a comment, but there are no end-of-line comments (`port=22122 # x` is the value `22122 # x`) and quotes
  are kept as part of the value; `[name]` starts a section (`[]` is the global one again). `#include FILE`
  (case-insensitive, only at the very start of the line, then a blank) reads FILE in place, a relative FILE
  against the directory of the top config file; a missing FILE fails the load (ENOENT); after it the global
  section is current again.
- iniGetStrValue: of a repeated name the last one wins (it walks to the last equal item after a stable sort);
  iniGetValues returns every value in file order (`tracker_server`).
- fastdfs tracker/tracker_func.c and storage/trunk_mgr/trunk_shared.c: `base_path` goes through chopPath (one
  trailing `/` removed) and must be an existing directory; `store_path0` defaults to base_path and is not chopped.
- tracker/tracker_proto.h: a packet is a 10-byte header (8-byte big-endian body length, command, status);
  FDFS_PROTO_CMD_ACTIVE_TEST (111) is answered by tracker and storage alike with TRACKER_PROTO_CMD_RESP (100),
  status 0, no body, and the connection stays open for the next command.
"""
import os
import struct
import sys

import labsvc

ACTIVE_TEST = 111
RESP = 100


class IniError(Exception):
    """The load failed as libfastcommon's does (errno in `code`)."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def read_ini(path):
    """`{name: [values in file order]}` of the global section of `path`, includes followed."""
    top_dir = os.path.dirname(os.path.abspath(path))
    values = {}
    _load(os.path.abspath(path), top_dir, values, 0)
    return values


def _load(path, top_dir, values, depth):
    if depth > 16:
        raise IniError(f'include nesting too deep at "{path}"', 40)
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
    except OSError as e:
        raise IniError(f'load conf file "{path}" fail, ret code: {e.errno}, {e.strerror}', e.errno or 2) from e
    section = ''
    for raw in text.split('\n'):
        if raw[:8].lower() == '#include' and raw[8:9] in (' ', '\t'):
            name = raw[9:].strip()
            full = name if name.startswith('/') else os.path.join(top_dir, name)
            if not os.path.exists(full):
                raise IniError(f'include file "{name}" not exists, line: "{raw}"', 2)
            _load(full, top_dir, values, depth + 1)
            section = ''
            continue
        line = raw.strip(' \t\r\n')
        if not line or line.startswith('#'):
            continue
        if line.startswith('[') and line.endswith(']'):
            section = line[1:-1].strip()
            continue
        if '=' not in line:
            continue
        name, value = line.split('=', 1)
        if section == '':
            values.setdefault(name.strip(' \t\r\n'), []).append(value.strip(' \t\r\n'))


def last(values, name, default=None):
    """iniGetStrValue: the last value of `name`, or `default`."""
    return values[name][-1] if values.get(name) else default


def chop_path(path):
    """shared_func.c chopPath: one trailing `/` removed."""
    return path[:-1] if len(path) > 1 and path.endswith('/') else path


def int_value(values, name, default):
    """iniGetIntValue: atoi of the last value (leading digits, 0 when none), or `default` when absent."""
    v = last(values, name)
    if v is None:
        return default
    digits = ''
    for i, c in enumerate(v.strip()):
        if c.isdigit() or (i == 0 and c in '+-'):
            digits += c
        else:
            break
    try:
        return int(digits)
    except ValueError:
        return 0


def bool_value(values, name, default=False):
    """iniGetBoolValue: true, yes, on and 1 (case-insensitive) are true."""
    v = last(values, name)
    return default if v is None else v.lower() in ('true', 'yes', 'on', '1')


def die(message, code=2):
    print(f'{os.path.basename(sys.argv[0])}: {message}', file=sys.stderr, flush=True)
    sys.exit(code)


def header(cmd, status=0, length=0):
    return struct.pack('>qBB', length, cmd, status)


def read_daemon_conf(path):
    """A daemon's tracker.conf / storage.conf, or its exit: an unreadable file with the reader's message and code,
    `disabled=true` with "conf file … disabled=true, exit" and 125 (both daemons' shared startup check)."""
    try:
        conf = read_ini(path)
    except IniError as e:
        die(e, e.code)
    if bool_value(conf, 'disabled'):
        die(f'conf file "{path}" disabled=true, exit', 125)
    return conf


def serve(sock, handle_line):
    """Accept forever. A connection whose first byte is NUL speaks FastDFS's binary protocol (only ACTIVE_TEST is
    answered; anything else gets status EINVAL, 22); any other connection is one lab request line answered by
    `handle_line(line)` (the stand-ins' own heartbeat and listing), then closed."""
    def binary(conn):
        while True:
            head = _recv_exact(conn, 10)
            if head is None:
                return
            length, cmd, _ = struct.unpack('>qBB', head)
            if length:
                _recv_exact(conn, length)
            conn.sendall(header(RESP, 0 if cmd == ACTIVE_TEST and length == 0 else 22))
    labsvc.serve_lines(sock, lambda line, _peer: handle_line(line), binary=binary, timeout=30)


def _recv_exact(conn, n):
    buf = b''
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf

"""Shared helpers of the lab's stand-in daemons (imported from the same directory).

The stand-ins imitate middleware the site runs (Kafka, FastDFS, nginx, power-dns, PaaS apps) closely
enough for the runbooks' checks: real config files, real ports, real files on disk. They are started by
init.d scripts through start-stop-daemon, which writes the pidfile, so they never daemonize themselves.
"""
import os
import signal
import socket
import sys
import threading
import time


def read_conf(path):
    """Parse a FastDFS/Kafka-style `key = value` file; `#` starts a comment; repeated keys keep every value."""
    values = {}
    with open(path, encoding='utf-8') as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith('#') or '=' not in line:
                continue
            key, value = line.split('=', 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def conf_one(values, key, default=None):
    """The last value of `key` (the one that wins), or `default`; exits with a clear message when required."""
    if key in values:
        return values[key][-1]
    if default is None:
        die(f'missing setting {key!r}')
    return default


def die(message, code=2):
    print(f'{os.path.basename(sys.argv[0])}: {message}', file=sys.stderr, flush=True)
    sys.exit(code)


def log(logfile, message):
    """Append one timestamped line (FastDFS's log style) to `logfile`, creating its directory."""
    os.makedirs(os.path.dirname(logfile), exist_ok=True)
    with open(logfile, 'a', encoding='utf-8') as f:
        f.write(f"[{time.strftime('%Y-%m-%d %H:%M:%S')}] INFO - {message}\n")


def exit_on_term(cleanup=None):
    """SIGTERM/SIGINT run `cleanup` once, then exit 0 (init.d stop sends TERM)."""
    def handler(*_):
        if cleanup:
            cleanup()
        os._exit(0)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def listen(port, host='0.0.0.0'):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((host, port))
    except OSError as e:
        die(f'cannot listen on {host}:{port}: {e.strerror}', 1)
    s.listen(64)
    return s


def serve_lines(sock, handle, binary=None, timeout=5):
    """Accept connections forever; each gets one request line and `handle(line, peer_ip)`'s reply, then closes.
    With `binary`, a connection whose first byte is NUL is the software's own binary protocol: `binary(conn)`
    answers it instead."""
    def one(conn, peer):
        try:
            conn.settimeout(timeout)
            if binary is not None and conn.recv(1, socket.MSG_PEEK) == b'\0':
                binary(conn)
                return
            data = b''
            while b'\n' not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            reply = handle(data.split(b'\n', 1)[0].decode('utf-8', 'replace').strip(), peer[0])
            if reply:
                conn.sendall(reply.encode('utf-8'))
        except OSError:
            pass
        finally:
            conn.close()
    while True:
        conn, peer = sock.accept()
        threading.Thread(target=one, args=(conn, peer), daemon=True).start()


def request(host, port, line, timeout=2.0):
    """Send one request line to a stand-in and return its whole reply; raises OSError when unreachable."""
    with socket.create_connection((host, int(port)), timeout=timeout) as c:
        c.sendall((line + '\n').encode('utf-8'))
        chunks = []
        while True:
            chunk = c.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b''.join(chunks).decode('utf-8')


def split_hostport(text, default_port):
    host, _, port = text.strip().rpartition(':')
    if not host:
        return text.strip(), int(default_port)
    return host, int(port)

#!/usr/bin/python3
"""Writes the lab's SysV init scripts (`/etc/init.d/NAME`), one shape for every stand-in service.

    initd.py NAME --home DIR --pidfile FILE --log FILE [--port N] [--user U] [--managed-by TEXT] -- DAEMON [ARG…]

The script answers start|stop|restart|status. `start` refuses when DIR (the service's home) is gone — that
is what makes `mv /app/soft/x /app/soft/x_bak` take a service out of service, and what vesta looks at — and
waits until the daemon listens on --port. `stop` only needs the pidfile, so it still works after the home was
moved. start/stop hold a lock so vesta and an operator never start the same service twice.
Every value is shell-quoted; ADM imports `render` and `install` from here.
"""
import argparse
import os
import shlex
import sys

TEMPLATE = r'''#!/bin/sh
### BEGIN INIT INFO
# Provides:          {name}
# Required-Start:    $network $remote_fs
# Required-Stop:     $network $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: {name} (site lab stand-in)
### END INIT INFO
# managed-by: {managed_by}
NAME={q_name}
HOME_DIR={q_home}
PIDFILE={q_pidfile}
LOG={q_log}
PORT={q_port}
running() {{ [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE" 2>/dev/null)" 2>/dev/null; }}
listening() {{ [ -z "$PORT" ] || ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q .; }}
do_start() {{
  if running; then echo "$NAME is already running (pid $(cat "$PIDFILE"))"; return 0; fi
  if [ ! -d "$HOME_DIR" ]; then echo "$NAME: $HOME_DIR not found; not starting" >&2; return 5; fi
  mkdir -p "$(dirname "$PIDFILE")" "$(dirname "$LOG")"
  rm -f "$PIDFILE"
  start-stop-daemon --start --background --make-pidfile --pidfile "$PIDFILE" --output "$LOG" {chuid}--startas {q_daemon} -- {q_args}
  i=0
  while [ $i -lt 150 ]; do
    if ! running; then echo "$NAME failed to start; last log lines:" >&2; tail -n 5 "$LOG" >&2; rm -f "$PIDFILE"; return 1; fi
    if listening; then echo "$NAME started (pid $(cat "$PIDFILE"))"; return 0; fi
    sleep 0.1; i=$((i + 1))
  done
  echo "$NAME started (pid $(cat "$PIDFILE")) but is not listening on $PORT yet"
}}
do_stop() {{
  if ! running; then echo "$NAME is not running"; rm -f "$PIDFILE"; return 0; fi
  start-stop-daemon --stop --pidfile "$PIDFILE" --retry TERM/10/KILL/2 --remove-pidfile >/dev/null
  echo "$NAME stopped"
}}
mkdir -p /run/lock
case "$1" in
  start) exec 9>"/run/lock/initd-$NAME.lock"; flock 9; do_start ;;
  stop) exec 9>"/run/lock/initd-$NAME.lock"; flock 9; do_stop ;;
  restart|force-reload) exec 9>"/run/lock/initd-$NAME.lock"; flock 9; do_stop && do_start ;;
  status)
    if running; then echo "$NAME is running (pid $(cat "$PIDFILE"))"; exit 0; fi
    echo "$NAME is not running"; exit 3 ;;
  *) echo "Usage: $0 {{start|stop|restart|status}}" >&2; exit 2 ;;
esac
'''


def render(name, home, pidfile, log, daemon, args=(), port=None, user=None, managed_by='lab'):
    """The text of /etc/init.d/NAME for a daemon that stays in the foreground."""
    q = shlex.quote
    return TEMPLATE.format(
        name=name, managed_by=managed_by.replace('\n', ' '), q_name=q(name), q_home=q(home), q_pidfile=q(pidfile),
        q_log=q(log), q_port=q(str(port) if port else ''), q_daemon=q(daemon),
        q_args=' '.join(q(a) for a in args), chuid=f'--chuid {q(user)} ' if user else '')


def install(name, text, root='/etc/init.d'):
    path = os.path.join(root, name)
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.chmod(tmp, 0o755)
    os.replace(tmp, path)
    return path


def main():
    ap = argparse.ArgumentParser(prog='initd.py')
    ap.add_argument('name')
    ap.add_argument('--home', required=True)
    ap.add_argument('--pidfile', required=True)
    ap.add_argument('--log', required=True)
    ap.add_argument('--port', type=int)
    ap.add_argument('--user')
    ap.add_argument('--managed-by', default='lab role')
    ap.add_argument('--root', default='/etc/init.d')
    argv = sys.argv[1:]
    if '--' not in argv or argv.index('--') == len(argv) - 1:
        ap.error('give the daemon after --')
    cut = argv.index('--')
    a = ap.parse_args(argv[:cut])
    cmd = argv[cut + 1:]
    text = render(a.name, a.home, a.pidfile, a.log, cmd[0], cmd[1:], a.port, a.user, a.managed_by)
    print(install(a.name, text, a.root))


if __name__ == '__main__':
    sys.exit(main())

#!/bin/bash
# /etc/init.d/observer in the lab: starts the installed bin/observer (the stand-in) in the background.
home=/home/admin/oceanbase
pidf=$home/run/observer.pid
running() { [[ -f $pidf ]] && kill -0 "$(cat "$pidf")" 2>/dev/null; }
case ${1:-} in
  start)
    running && { echo "observer is running"; exit 0; }
    mkdir -p "$home/run" "$home/log"
    nohup /usr/bin/python3 "$home/bin/observer" "$home" 2882 >> "$home/log/observer.log" 2>&1 < /dev/null &
    echo $! > "$pidf"
    for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/2882) 2>/dev/null && { echo "observer started"; exit 0; }; sleep 0.1; done
    echo "observer did not start" >&2; exit 1 ;;
  stop)
    if running; then p=$(cat "$pidf"); kill "$p"; for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; fi
    rm -f "$pidf"; echo "observer stopped" ;;
  restart) "$0" stop && "$0" start ;;
  status) if running; then echo "observer is running"; exit 0; else echo "observer is stopped"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac

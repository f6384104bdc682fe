#!/usr/bin/python3
"""A stand-in for an OceanBase observer process in the site lab, laid out as obd and the RPMs lay the real one out.

It stands for the process only: it listens on the RPC port and tells whoever connects which version it runs and in
which zone, one line: `OBSERVER <version> <zone>`. Everything SQL is answered by the simulator (lab/obsim).

What it imitates of the real `bin/observer` (oceanbase/obdeploy plugins/oceanbase/3.1.0/start.py and stop.py,
commit 16f14f59 and 285390b6; the community upgrade procedure: `cd /home/admin/oceanbase && bin/observer`):
- it is started from its home path, which it takes as its working directory: etc/, run/ and log/ are relative to
  it, as the real observer's are;
- its parameters are persisted in etc/observer.config.bin. The first start is given them (`-z ZONE -P RPC_PORT`,
  the real option letters) and writes the file; a start without options reads them back from it, and refuses to
  start when there is none. The real file is a binary serialisation of every parameter; this one is a few text
  lines (zone, rpc_port, mysql_port), enough to make the restart depend on it;
- it daemonises (unless -N) and writes its pid to run/observer.pid; the command that started it returns once it
  listens, or exits 1 with the reason;
- SIGTERM ends it; it leaves the pid file, which obd's stop removes;
- its version is read once, at start, from etc/VERSION (the lab package writes it), so an installed package
  changes nothing until the observer is restarted, as with the real binary.
"""
import getopt
import os
import signal
import socket
import sys
import threading

CONFIG = "etc/observer.config.bin"
HEADER = "# lab stand-in of observer.config.bin: the parameters this observer persisted\n"


def fail(msg: str) -> None:
    sys.stderr.write(f"observer: {msg}\n")
    sys.exit(1)


def read_config() -> dict:
    with open(CONFIG, encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line and not line.startswith("#"))


def main() -> None:
    try:
        opts, _ = getopt.getopt(sys.argv[1:], "z:P:p:N")
    except getopt.GetoptError as e:
        fail(str(e))
    given = {"-z": "zone", "-P": "rpc_port", "-p": "mysql_port"}
    params = {given[k]: v for k, v in opts if k in given}
    daemon = ("-N", "") not in opts
    if not os.path.isdir("etc") or not os.path.isdir("bin"):
        fail(f"{os.getcwd()} is not an observer home (no etc/ and bin/): start it from its home path")
    if os.path.exists(CONFIG):
        params = {**read_config(), **params}
    elif "zone" not in params:
        fail(f"no {CONFIG} and no -z ZONE: nothing to start with")
    params.setdefault("rpc_port", "2882")
    params.setdefault("mysql_port", "2881")
    with open(CONFIG + ".tmp", "w", encoding="utf-8") as f:
        f.write(HEADER + "".join(f"{k}={v}\n" for k, v in sorted(params.items())))
    os.replace(CONFIG + ".tmp", CONFIG)
    with open("etc/VERSION", encoding="utf-8") as f:
        line = f"OBSERVER {f.read().strip()} {params['zone']}\n".encode()
    os.makedirs("run", exist_ok=True)
    os.makedirs("log", exist_ok=True)

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        srv.bind(("0.0.0.0", int(params["rpc_port"])))
    except OSError as e:
        fail(f"cannot listen on {params['rpc_port']}: {e}")
    srv.listen(64)

    if daemon:
        if os.fork() > 0:
            os._exit(0)
        os.setsid()
        if os.fork() > 0:
            os._exit(0)
        log = os.open("log/observer.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
    with open("run/observer.pid", "w", encoding="utf-8") as f:
        f.write(f"{os.getpid()}\n")
    print(f"observer {line.decode().split()[1]} started in {params['zone']}, pid {os.getpid()}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))

    def answer(conn: socket.socket) -> None:
        with conn:
            try:
                conn.sendall(line)
            except OSError:
                pass

    while True:
        c, _ = srv.accept()
        threading.Thread(target=answer, args=(c,), daemon=True).start()


main()

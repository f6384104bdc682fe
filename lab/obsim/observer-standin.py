#!/usr/bin/python3
"""A stand-in for an OceanBase observer process in the site lab.

It stands for the process only: it listens on the RPC port (2882) and tells whoever connects which version
it runs and in which zone, one line: `OBSERVER <version> <zone>`. The version is read once, at start, from
<home>/etc/VERSION (which the package install writes), so installing a package changes nothing until the
observer is restarted, as with the real binary. Everything SQL is answered by the simulator (lab/obsim).
"""
import os
import socket
import sys
import threading

home = sys.argv[1] if len(sys.argv) > 1 else "/home/admin/oceanbase"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 2882


def read(name: str) -> str:
    with open(os.path.join(home, "etc", name), encoding="utf-8") as f:
        return f.read().strip()


line = f"OBSERVER {read('VERSION')} {read('ZONE')}\n".encode()


def answer(conn: socket.socket) -> None:
    with conn:
        try:
            conn.sendall(line)
        except OSError:
            pass


srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("0.0.0.0", port))
srv.listen(64)
while True:
    c, _ = srv.accept()
    threading.Thread(target=answer, args=(c,), daemon=True).start()

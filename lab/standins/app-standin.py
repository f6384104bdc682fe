#!/usr/bin/python3
"""A small HTTP service standing in for a platform application (PaaS apps, power-dns).

    app-standin.py --name NAME --port PORT (--version-file FILE | --jar-glob 'DIR/NAME-*.jar')

The version is read once at start, from the first line of FILE or from the Implementation-Version of the
newest matching jar's manifest, so replacing a jar only shows after a restart, as with the real apps.
GET /health -> {"app", "status": "UP", "version"}; GET /version -> the version.

What it imitates: a Spring Boot / Maven-built Java application. Maven's jar plugin writes
`Implementation-Version: ${project.version}` into META-INF/MANIFEST.MF when `addDefaultImplementationEntries` is
on (maven-archiver's ManifestConfiguration; spring-boot-starter-parent turns it on), and a running application
reports that version (Package.getImplementationVersion()) of the jar it loaded at start. The health answer is
shaped like Spring Boot Actuator's (`{"status": "UP"}`) with the application's name and version added. The
process's command line names the application (`--name NAME`), as a real one's names its jar.
"""
import argparse
import glob
import json
import os
import re
import sys
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import labsvc  # noqa: E402


def jar_version(pattern):
    jars = sorted(glob.glob(pattern), key=os.path.getmtime)
    if not jars:
        labsvc.die(f'no jar matches {pattern}', 1)
    with zipfile.ZipFile(jars[-1]) as z:
        manifest = z.read('META-INF/MANIFEST.MF').decode('utf-8')
    m = re.search(r'^Implementation-Version:\s*(\S+)', manifest, re.M)
    return m.group(1) if m else 'unknown'


def main():
    ap = argparse.ArgumentParser(prog='app-standin.py')
    ap.add_argument('--name', required=True)
    ap.add_argument('--port', type=int, required=True)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument('--version-file')
    src.add_argument('--jar-glob')
    a = ap.parse_args()
    if a.version_file:
        try:
            with open(a.version_file, encoding='utf-8') as f:
                version = f.readline().strip()
        except OSError as e:
            labsvc.die(f'cannot read {a.version_file}: {e.strerror}', 1)
    else:
        version = jar_version(a.jar_glob)
    body = {'/health': json.dumps({'app': a.name, 'status': 'UP', 'version': version}) + '\n',
            '/version': version + '\n'}

    class Handler(BaseHTTPRequestHandler):
        def answer(self, with_body):
            text = body.get(self.path.split('?', 1)[0])
            data = (text or '{"status":404}\n').encode()
            self.send_response(200 if text else 404)
            self.send_header('Content-Type', 'application/json' if text and text.startswith('{') else 'text/plain')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            if with_body:
                self.wfile.write(data)

        def do_GET(self):  # noqa: N802 - http.server's name
            self.answer(True)

        def do_HEAD(self):  # noqa: N802 - as Spring MVC answers HEAD for every GET mapping, without the body
            self.answer(False)

        def log_message(self, *_):
            pass

    try:
        server = ThreadingHTTPServer(('0.0.0.0', a.port), Handler)
    except OSError as e:
        labsvc.die(f'cannot listen on {a.port}: {e.strerror}', 1)
    labsvc.exit_on_term()
    print(f'{a.name} {version} listening on {a.port}', flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main()

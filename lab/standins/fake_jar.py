#!/usr/bin/python3
"""Writes a tiny but real jar (a zip with META-INF/MANIFEST.MF), byte-for-byte the same on every run.

    fake_jar.py OUT.jar --title T --version V [--built YYYY-MM-DD]

The lab's Kafka libs and PaaS platform jars are these: `unzip -p X.jar META-INF/MANIFEST.MF` shows the
Implementation-Version a version check reads, and the file name carries the version as on the site.
"""
import argparse
import io
import os
import zipfile


def write_jar_bytes(title, version, built='2021-06-15'):
    """The jar's bytes: a manifest with Implementation-Title/-Version and a VERSION entry, dated `built`."""
    y, m, d = (int(x) for x in built.split('-'))
    manifest = (f'Manifest-Version: 1.0\r\nImplementation-Title: {title}\r\n'
                f'Implementation-Version: {version}\r\nBuild-Date: {built}\r\n'
                'Created-By: opsgate site lab\r\n\r\n')
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, body in (('META-INF/MANIFEST.MF', manifest),
                           (f'{title.replace("-", "/")}/VERSION', version + '\n')):
            info = zipfile.ZipInfo(name, date_time=(y, m, d, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, body)
    return out.getvalue()


def write_jar(out, title, version, built='2021-06-15'):
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, 'wb') as f:
        f.write(write_jar_bytes(title, version, built))


def main():
    ap = argparse.ArgumentParser(prog='fake_jar.py')
    ap.add_argument('out')
    ap.add_argument('--title', required=True)
    ap.add_argument('--version', required=True)
    ap.add_argument('--built', default='2021-06-15')
    a = ap.parse_args()
    write_jar(a.out, a.title, a.version, a.built)


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Builds the PaaS (PowerCloud) packages of one release, byte-for-byte the same on every run.

    paas-release.py site|3.1.6 OUTDIR

`site` is what Xizang runs (June 2021: platform 3.1.5, pyscript 20210618, SpringBoot scripts 2.0.3, yum repo
20210615); the paas role builds it at boot and unpacks it into /app/soft. `3.1.6` is the upgrade the PaaS phase
pushes (3.1.6 final, pyscript 20231110, SpringBoot 2.0.8 whose only change is stop.sh, yum 20231110); its output
is committed in lab/roles/data/packages/. Files written:
  springboot_2.0.x.zip               start.sh stop.sh restart.sh status.sh            (unzip into SPRINGBOOT/)
  pyscript-DATE.tar.gz               pyscript/{pypssh.py,check_env.py}                (untar in /app/soft)
  powercloud-VERSION.tar.gz          lib/powercloud-APP-VERSION.jar                   (untar in /app/soft/powercloud)
  powercloud-yum-DATE.tar.gz         repo/{repodata/{repomd.xml,primary.xml.gz},Packages/…}  (untar in /app/soft/yum)

No file says which release it is: as at the site, the release shows in the software's own files. The jars carry
it in their manifests (`Implementation-Version`, as Maven's and Spring Boot's builds write it: fake_jar.py);
pypssh.py and stop.sh differ between releases (their checksums tell them apart); the yum repository's
repodata/repomd.xml has the `<revision>` createrepo writes: createrepo_c (rpm-software-management/createrepo_c,
src/xml_dump_repomd.c, cr_repomd_xml_dump) sets it to the Unix time it ran unless --revision is given, in the
namespace http://linux.duke.edu/metadata/repo, with one <data> entry per metadata file (checksum, location,
timestamp, size); here the time is the release's build date at 00:00 UTC.
"""
import calendar
import gzip
import hashlib
import io
import os
import sys
import tarfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
from fake_jar import write_jar_bytes  # noqa: E402

APPS = ('gateway', 'auth', 'console', 'common')

RELEASES = {
    'site': {'platform': '3.1.5', 'built': '2021-06-15', 'pyscript': '20210618', 'springboot': '2.0.3',
             'yum': '20210615'},
    '3.1.6': {'platform': '3.1.6', 'built': '2023-11-10', 'pyscript': '20231110', 'springboot': '2.0.8',
              'yum': '20231110'},
}

STOP_OLD = '''#!/bin/sh
# stop a SpringBoot application: stop.sh APP
pid=$(cat "/app/run/$1.pid" 2>/dev/null) || { echo "$1 is not running"; exit 0; }
kill -9 "$pid"
'''
STOP_NEW = '''#!/bin/sh
# stop a SpringBoot application gracefully, then forcibly after 30 s: stop.sh APP
pid=$(cat "/app/run/$1.pid" 2>/dev/null) || { echo "$1 is not running"; exit 0; }
kill "$pid"
i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
rm -f "/app/run/$1.pid"
'''


def springboot(r):
    scripts = {
        'start.sh': '#!/bin/sh\n# start a SpringBoot application: start.sh APP\n'
                    'nohup java -jar "/app/deploy/$1/$1.jar" >"/app/logs/$1.out" 2>&1 &\necho $! >"/app/run/$1.pid"\n',
        'stop.sh': STOP_NEW if r['springboot'] != '2.0.3' else STOP_OLD,
        'restart.sh': '#!/bin/sh\n# restart.sh APP\n"$(dirname "$0")/stop.sh" "$1" && "$(dirname "$0")/start.sh" "$1"\n',
        'status.sh': '#!/bin/sh\n# status.sh APP\nkill -0 "$(cat "/app/run/$1.pid" 2>/dev/null)" 2>/dev/null'
                     ' && echo "$1 running" || { echo "$1 stopped"; exit 3; }\n',
    }
    y, m, d = (int(x) for x in r['built'].split('-'))
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, text in scripts.items():
            info = zipfile.ZipInfo(name, date_time=(y, m, d, 0, 0, 0))
            info.external_attr = (0o755 if name.endswith('.sh') else 0o644) << 16
            z.writestr(info, text)
    return out.getvalue()


def targz(entries, date):
    """A .tar.gz of (path, bytes, mode) with every mtime at `date`, owner 0:0, gzip mtime 0."""
    mtime = calendar.timegm(time.strptime(date, '%Y-%m-%d'))
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w', format=tarfile.USTAR_FORMAT) as tar:
        dirs = sorted({os.path.dirname(p) for p, _, _ in entries} - {''})
        for d in dirs:
            info = tarfile.TarInfo(d)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, mtime
            tar.addfile(info)
        for path, data, mode in sorted(entries):
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), mode, mtime
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode='wb', mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def yum_repo(r, v, built):
    """repo/: one placeholder package, its primary.xml.gz, and repomd.xml as createrepo_c lays it out."""
    revision = calendar.timegm(time.strptime(built, '%Y-%m-%d'))
    rpm = f'powercloud-agent-{v}-1.el7.x86_64.rpm'
    primary_xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                   '<metadata xmlns="http://linux.duke.edu/metadata/common" '
                   'xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="1">\n'
                   f'<package type="rpm"><name>powercloud-agent</name><arch>x86_64</arch>'
                   f'<version epoch="0" ver="{v}" rel="1.el7"/><location href="Packages/{rpm}"/></package>\n'
                   '</metadata>\n').encode()
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode='wb', mtime=0) as f:
        f.write(primary_xml)
    primary = gz.getvalue()
    repomd = ('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">\n'
              f'  <revision>{revision}</revision>\n'
              '  <data type="primary">\n'
              f'    <checksum type="sha256">{hashlib.sha256(primary).hexdigest()}</checksum>\n'
              f'    <open-checksum type="sha256">{hashlib.sha256(primary_xml).hexdigest()}</open-checksum>\n'
              '    <location href="repodata/primary.xml.gz"/>\n'
              f'    <timestamp>{revision}</timestamp>\n'
              f'    <size>{len(primary)}</size>\n'
              f'    <open-size>{len(primary_xml)}</open-size>\n'
              '  </data>\n'
              '</repomd>\n').encode()
    return [('repo/repodata/repomd.xml', repomd, 0o644), ('repo/repodata/primary.xml.gz', primary, 0o644),
            (f'repo/Packages/{rpm}', b'lab placeholder rpm\n', 0o644)]


def build(release, outdir):
    r = RELEASES[release]
    os.makedirs(outdir, exist_ok=True)
    v, built = r['platform'], r['built']
    files = {
        'springboot_2.0.x.zip': springboot(r),
        f"pyscript-{r['pyscript']}.tar.gz": targz([
            ('pyscript/pypssh.py', (f'#!/usr/bin/python3\n"""pypssh: parallel ssh over a host group"""\n'
                                    f"__version__ = '{r['pyscript']}'\n").encode(), 0o755),
            ('pyscript/check_env.py', b'#!/usr/bin/python3\n"""check the PaaS host environment"""\n', 0o755),
        ], built),
        f'powercloud-{v}.tar.gz': targz(
            [(f'lib/powercloud-{app}-{v}.jar', write_jar_bytes(f'powercloud-{app}', v, built), 0o644)
               for app in APPS], built),
        f"powercloud-yum-{r['yum']}.tar.gz": targz(yum_repo(r, v, built), built),
    }
    for name, data in files.items():
        with open(os.path.join(outdir, name), 'wb') as f:
            f.write(data)
    return sorted(files)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in RELEASES:
        print(f'usage: paas-release.py {"|".join(RELEASES)} OUTDIR', file=sys.stderr)
        sys.exit(2)
    for name in build(sys.argv[1], sys.argv[2]):
        print(name)


if __name__ == '__main__':
    main()

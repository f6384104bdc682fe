"""What every ADM product installer shares: host paths, refusals, the instance marker and vesta guards.

An install is a list of steps recorded in an `Install`; when a step fails, everything it created is removed
again (services stopped, init scripts, files and directories deleted) so a failed install leaves nothing.
"""
import fcntl
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

ADM_HOME = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
STANDINS = os.environ.get('ADM_STANDINS', '/lab/standins')
STATE = '/app/adm'
INSTANCES = f'{STATE}/instances'
GUARDS = f'{STATE}/vesta'
VESTA_ROUND_LOCK = '/run/lock/vesta.lock'
INITD = '/etc/init.d'
MANAGED = 'adm instance'
INSTANCE_NAME = re.compile(r'^[^\W][\w.-]{0,63}$')

sys.path.insert(0, STANDINS)
import initd  # noqa: E402


class AdmError(Exception):
    """A refusal or failure with the exit code the CLI returns: 2 bad arguments, 3 conflicts with the host, 1 failed."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


def usage(message):
    return AdmError(message, 2)


def conflict(message):
    return AdmError(message, 3)


def host_ip():
    try:
        with open('/run/lab/host.env', encoding='utf-8') as f:
            for line in f:
                if line.startswith('IP='):
                    return line.strip()[3:]
    except OSError:
        pass
    return socket.gethostbyname(socket.gethostname())


def check_ip(value, what):
    parts = value.split('.')
    if len(parts) != 4 or not all(p.isdigit() and 0 <= int(p) <= 255 for p in parts):
        raise usage(f'{what} must be an IPv4 address, got {value!r}')
    return value


def check_endpoints(value, what, default_port):
    """`ip[:port],…` -> ['ip:port', …]."""
    out = []
    for item in value.split(','):
        host, _, port = item.strip().partition(':')
        check_ip(host, what)
        port = port or str(default_port)
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise usage(f'{what}: bad port in {item!r}')
        out.append(f'{host}:{port}')
    return out


def check_path(value, what):
    if not value.startswith('/') or '..' in value.split('/') or value.rstrip('/') in ('', '/app', '/mysql', '/etc'):
        raise usage(f'{what} must be an absolute path below a product directory, got {value!r}')
    return value.rstrip('/')


def port_in_use(port):
    out = subprocess.run(['ss', '-Hltn', f'sport = :{port}'], capture_output=True, text=True, check=False).stdout
    return bool(out.strip())


def pristine_package_file(path):
    """True when `path` is a Debian package's conffile, unchanged: the distro's unused script on a fresh server
    (the lab's hosts share the machine's packages), which ADM replaces like any installer would."""
    owner = subprocess.run(['dpkg-query', '-S', path], capture_output=True, text=True, check=False).stdout
    if ':' not in owner:
        return False
    pkg = owner.split(':', 1)[0].strip()
    conffiles = subprocess.run(['dpkg-query', '-W', '-f=${Conffiles}\n', pkg], capture_output=True, text=True,
                               check=False).stdout
    with open(path, 'rb') as f:
        digest = hashlib.md5(f.read()).hexdigest()  # noqa: S324 - dpkg's conffile checksum is md5
    return f' {path} {digest}' in conffiles


def initd_owner(service):
    """None when /etc/init.d/SERVICE does not exist (or is the distro's unchanged script), else the instance
    that manages it ('' when not ADM)."""
    path = os.path.join(INITD, service)
    if not os.path.lexists(path) or pristine_package_file(path):
        return None
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            m = re.search(r'^# managed-by: adm instance (\S+)', f.read(), re.M)
    except OSError:
        return ''
    return m.group(1) if m else ''


def read_marker(instance):
    try:
        with open(os.path.join(INSTANCES, f'{instance}.json'), encoding='utf-8') as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def all_markers():
    if not os.path.isdir(INSTANCES):
        return []
    return [read_marker(n[:-5]) for n in sorted(os.listdir(INSTANCES)) if n.endswith('.json')]


def write_json(path, value, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write('\n')
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def service(name, verb):
    r = subprocess.run([os.path.join(INITD, name), verb], capture_output=True, text=True, timeout=60, check=False)
    return r.returncode, (r.stdout + r.stderr).strip()


def vesta_running():
    try:
        with open('/run/adm/vesta.pid', encoding='utf-8') as f:
            os.kill(int(f.read().strip()), 0)
        return True
    except (OSError, ValueError):
        return False


def ensure_vesta():
    if not vesta_running():
        subprocess.run([os.path.join(ADM_HOME, 'bin', 'vesta'), 'start'], check=True, capture_output=True, timeout=30)


class Install:
    """One install on this host: creates things, remembers them, and can take all of them away again."""

    def __init__(self, instance, product):
        self.instance, self.product = instance, product
        self.paths, self.services = [], []

    def refuse_existing(self, *paths):
        for p in paths:
            if os.path.lexists(p):
                raise conflict(f'{p} already exists on this host (not from ADM instance {self.instance}); '
                               'move it away first (back it up)')

    def refuse_service(self, name, port=None):
        owner = initd_owner(name)
        if owner is not None:
            who = f'ADM instance {owner}' if owner else 'not ADM'
            raise conflict(f'{INITD}/{name} already exists ({who}); move it away or uninstall that instance first')
        if port and port_in_use(port):
            raise conflict(f'port {port} is already in use on this host; stop what listens there first')

    def claim(self, service, port, *dirs):
        """Refuse unless SERVICE, PORT and every DIR are free on this host, then create the DIRs (as ours)."""
        self.refuse_existing(*dirs)
        self.refuse_service(service, port)
        for d in dirs:
            self.mkdir(d)

    def mkdir(self, path, mode=0o755):
        os.makedirs(path, mode=mode, exist_ok=True)
        self.paths.append(path)
        return path

    def track(self, path):
        self.paths.append(path)
        return path

    def write(self, path, text, mode=0o644):
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def add_service(self, name, home, daemon, args, port, pidfile=None, user=None):
        pidfile = pidfile or f'/run/adm/{name}.pid'
        log = os.path.join(home, 'logs', f'{name}.out')
        os.makedirs(os.path.dirname(log), exist_ok=True)
        text = initd.render(name, home, pidfile, log, daemon, args, port, user, f'{MANAGED} {self.instance}')
        self.services.append({'service': name, 'home': home, 'pidfile': pidfile, 'instance': self.instance})
        initd.install(name, text, INITD)

    def start_all(self):
        for s in self.services:
            rc, out = service(s['service'], 'start')
            if rc != 0:
                raise AdmError(f"{s['service']} did not start: {out}")
        for s in self.services:
            write_json(os.path.join(GUARDS, f"{s['service']}.json"), s)
        ensure_vesta()

    def undo(self):
        remove_services(self.services)
        for p in reversed(self.paths):
            remove_path(p)


def remove_services(services):
    """Unguard first (or vesta would restart them), then stop, then delete the init scripts.

    The guards go while holding vesta's round lock, so no round that still saw them can start a service after
    it was stopped here."""
    os.makedirs('/run/lock', exist_ok=True)
    with open(VESTA_ROUND_LOCK, 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for s in services:
            remove_path(os.path.join(GUARDS, f"{s['service']}.json"))
    for s in services:
        if os.path.exists(os.path.join(INITD, s['service'])):
            service(s['service'], 'stop')
            remove_path(os.path.join(INITD, s['service']))


def remove_path(p):
    if os.path.isdir(p) and not os.path.islink(p):
        shutil.rmtree(p, ignore_errors=True)
    elif os.path.lexists(p):
        os.unlink(p)


def now():
    return time.strftime('%Y-%m-%dT%H:%M:%S%z')

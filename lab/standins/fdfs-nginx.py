#!/usr/bin/python3
"""nginx + ngx_fastdfs_module for the lab: the real nginx (Debian's /usr/sbin/nginx) runs the site's own
nginx.conf; only the module, which Debian does not build, is stood in for.

    fdfs-nginx.py --argv0 PREFIX/sbin/nginx --mod-conf MOD_FASTDFS.CONF [nginx options…]

The configuration is nginx's own: PREFIX/conf/** is copied to a private directory in which every
`ngx_fastdfs_module;` directive is replaced by what the module does for a local file, and nginx is run with
`-p PREFIX/ -c COPY/nginx.conf`, so `include` (relative to the conf directory, globs too), quotes, comments,
`-t`, `-T`, `-s reload|stop|quit`, `-v` and `-V` are the real nginx's. Like an nginx built from source with
`--prefix=/usr/local/nginx` (the site's), the pid file and the error log default to PREFIX/logs/ (`pid` in the
configuration wins). It runs in the foreground (`daemon off`) for the lab's init scripts, and its process
title is `nginx: master process PREFIX/sbin/nginx …`, as when the site starts it by that path.

The module (happyfish100/fastdfs-nginx-module V1.20, src/common.c fdfs_http_request_handler), read from
mod_fastdfs.conf with libfastcommon's rules: with `url_have_group_name=true` a URI /GROUP/M00/XX/YY/NAME of its
own `group_name` is the file STORE_PATH0/data/XX/YY/NAME (404 when absent). Not stood in: other groups and store
paths (the module asks the tracker for the file's source storage and proxies or redirects; here 404), anti-steal
tokens, ranges.
"""
import hashlib
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import fdfs_common as fc  # noqa: E402

NGINX = '/usr/sbin/nginx'
DIRECTIVE = re.compile(r'(?m)(^|[{;])(\s*)ngx_fastdfs_module\s*;')


def module_block(mod_conf, indent):
    try:
        conf = fc.read_ini(mod_conf)
    except fc.IniError as e:
        fc.die(f'ngx_fastdfs_module: {e}', 1)
    group = fc.last(conf, 'group_name', 'group1')
    store = os.path.normpath(fc.last(conf, 'store_path0') or fc.chop_path(fc.last(conf, 'base_path', '/tmp')))
    if fc.bool_value(conf, 'url_have_group_name'):
        prefix = f'/{re.escape(group)}/M00/'
    else:
        prefix = '/M00/'
    return (f'{indent}# ngx_fastdfs_module (lab): group {group}, store_path0 {store}\n'
            f'{indent}if ($uri !~ "^{prefix}") {{ return 404; }}\n'
            f'{indent}rewrite "^{prefix}(.*)$" /$1 break;\n'
            f'{indent}root "{store}/data";\n')


def main():
    args = sys.argv[1:]
    argv0, mod_conf = '/usr/local/nginx/sbin/nginx', '/etc/fdfs/mod_fastdfs.conf'
    while args[:1] and args[0] in ('--argv0', '--mod-conf') and len(args) > 1:
        if args[0] == '--argv0':
            argv0 = args[1]
        else:
            mod_conf = args[1]
        args = args[2:]
    if any(a in ('-v', '-V', '-h', '-?') for a in args):
        os.execv(NGINX, [argv0, *args])
    prefix = os.path.dirname(os.path.dirname(os.path.abspath(argv0)))
    conf_dir = os.path.join(prefix, 'conf')
    copy = os.path.join('/run/lab-nginx', hashlib.sha1(prefix.encode()).hexdigest()[:12])
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(conf_dir, copy, symlinks=True)
    has_pid = False
    for root, _, files in os.walk(copy):
        for name in files:
            path = os.path.join(root, name)
            if os.path.islink(path):
                continue
            with open(path, encoding='utf-8', errors='surrogateescape') as f:
                text = f.read()
            has_pid = has_pid or re.search(r'(?m)^\s*pid\s', text) is not None
            if DIRECTIVE.search(text):
                text = DIRECTIVE.sub(lambda m: m.group(1) + '\n' + module_block(mod_conf, m.group(2).lstrip('\n') or '  '), text)
                with open(path, 'w', encoding='utf-8', errors='surrogateescape') as f:
                    f.write(text)
    os.makedirs(os.path.join(prefix, 'logs'), exist_ok=True)
    glob = 'daemon off;' + ('' if has_pid else ' pid logs/nginx.pid;')
    os.execv(NGINX, [argv0, '-p', prefix + '/', '-c', os.path.join(copy, 'nginx.conf'), '-e', 'logs/error.log',
                     '-g', glob, *args])


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Writes the FastDFS storage's fixture files: `fdfs-fixture-files.py STORE_PATH [COUNT]` (default 36).

Files go into STORE_PATH/data/00/00 and STORE_PATH/data/01/00 (FastDFS's two-level layout) with names shaped
like FastDFS file ids and content that is the same on every run and every host (group1's two storages hold
the same files, as replicas do). URL of a file: http://HOST:8888/group1/M00/0X/00/NAME.
"""
import base64
import hashlib
import os
import sys


def fixture(i):
    """(subdir, name, bytes) of fixture file i; half text, half binary."""
    digest = hashlib.sha256(f'xizang-fdfs-{i}'.encode()).digest()
    name = 'rBQUKW' + base64.b64encode(digest[:15], b'_-').decode() + ('.txt' if i % 2 == 0 else '.jpg')
    if i % 2 == 0:
        body = ''.join(f'xizang fastdfs fixture {i} line {n}\n' for n in range(8 + i)).encode()
    else:
        blocks, block = [], digest
        for _ in range(4 + i):
            block = hashlib.sha256(block).digest()
            blocks.append(block)
        body = b'\xff\xd8\xff\xe0' + b''.join(blocks)
    return (f'{i // 18:02X}', '00'), name, body


def main():
    store = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 36
    for i in range(count):
        sub, name, body = fixture(i)
        d = os.path.join(store, 'data', *sub)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), 'wb') as f:
            f.write(body)
    open(os.path.join(store, 'data', '.data_init_flag'), 'w').close()


if __name__ == '__main__':
    main()

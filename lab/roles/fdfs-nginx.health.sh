#!/usr/bin/env bash
# Healthy when nginx serves a stored file byte for byte.
f=$(cd /mysql/storage0/data && find 00 -type f | sort | head -n 1)
[[ -n $f ]] || { echo "no fixture file under /mysql/storage0/data"; exit 1; }
curl -sf "http://127.0.0.1:8888/group1/M00/$f" | cmp -s - "/mysql/storage0/data/$f" || { echo "nginx does not serve $f"; exit 1; }

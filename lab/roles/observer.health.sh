#!/bin/bash
# Healthy when the observer stand-in answers on its RPC port with its version.
out=$(timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/2882; head -1 <&3' 2>&1) || { echo "observer: no answer on 2882: $out"; exit 1; }
[[ $out == OBSERVER* ]] || { echo "observer: unexpected answer: $out"; exit 1; }

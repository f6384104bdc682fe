#!/usr/bin/env bash
# Healthy when the tracker answers FastDFS's ACTIVE_TEST (cmd 111) on 22122 with a RESP header (cmd 100, status 0).
reply=$(timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/22122 && printf "%b" "$1" >&3 && head -c 10 <&3' active-test \
  '\0\0\0\0\0\0\0\0\0157\0' 2>/dev/null | od -An -tx1 | tr -s ' \n' ' ')
[[ $reply == ' 00 00 00 00 00 00 00 00 64 00 ' ]] || { echo "tracker not answering ACTIVE_TEST on 22122 ($reply)"; exit 1; }

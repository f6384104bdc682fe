#!/usr/bin/env bash
# Healthy when the tracker answers on 22122.
reply=$( { exec 3<>/dev/tcp/127.0.0.1/22122 && echo VERSION >&3 && head -n 1 <&3; } 2>/dev/null )
[[ $reply == fdfs_trackerd* ]] || { echo "tracker not answering on 22122"; exit 1; }

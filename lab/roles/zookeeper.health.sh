#!/bin/bash
# Gate of role zookeeper: this node is in a quorum (leader or follower), so the ensemble has elected a leader.
mode=$( { exec 3<>/dev/tcp/127.0.0.1/2181 && echo srvr >&3 && sed -n 's/^Mode: //p' <&3; } 2>/dev/null)
[[ $mode == leader || $mode == follower ]] || { echo "no leader elected yet (mode: ${mode:-not answering})"; exit 1; }

#!/usr/bin/env bash
# Healthy when the broker answers on 9092 and holds its ephemeral znode /brokers/ids/<id> in ZooKeeper.
# The broker binds its listener's address (this host's, or every address when the listener names no host).
reply=$( { exec 3<>"/dev/tcp/$IP/9092" && echo STATUS >&3 && head -n 1 <&3; } 2>/dev/null )
[[ $reply == "registered $1" ]] || { echo "broker $1 not registered in zookeeper yet (${reply:-no answer on 9092})"; exit 1; }

#!/bin/bash
# hostboot.sh STATE NAME IP: PID 1 of a new PID/mount/UTS/IPC namespace inside the host's netns. Builds the host's
# private root (overlay: lower = the machine's /, upper = a tmpfs), then chroots into guest-init.sh.
# LAB_MASKS (one directory per line) lists the controller's directories to hide behind empty tmpfs mounts.
set -euo pipefail
STATE=$1 NAME=$2 IP=$3
LAB_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
H=$STATE/hosts/$NAME R=$STATE/hosts/$NAME/root O=$STATE/hosts/$NAME/ovl

# The netns exists and has eth0; the address goes on here so that hosts boot in parallel.
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
ip addr add "$IP/24" dev eth0
ip link set lo up
ip link set eth0 up

mkdir -p "$R" "$O"
mount -t tmpfs -o size=1g,mode=0755 "lab-$NAME" "$O"
mkdir -p "$O/upper" "$O/work"
# lowerdir=/ works because upper and work live on another filesystem (the tmpfs).
mount -t overlay "lab-$NAME" -o "lowerdir=/,upperdir=$O/upper,workdir=$O/work" "$R"
mount -t proc proc "$R/proc"
mount -t sysfs sysfs "$R/sys"
# A minimal /dev: no disk of the machine is visible; a private devpts gives `ssh -tt` its own ptys.
mount -t tmpfs -o mode=0755,size=1m dev "$R/dev"
while read -r dn ma mi; do mknod -m 666 "$R/dev/$dn" c "$ma" "$mi"; done <<< $'null 1 3\nzero 1 5\nfull 1 7\nrandom 1 8\nurandom 1 9\ntty 5 0'
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"; ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
mount -t tmpfs -o mode=1777 shm "$R/dev/shm"
# Pidfiles and sockets (/run/sshd, /run/redis …) would collide between hosts without a private /run.
mount -t tmpfs -o mode=0755 run "$R/run"
mount -t tmpfs -o mode=1777 tmp "$R/tmp"
mkdir -p "$R/lab" "$R/lab-pub" "$R/lab-secrets"
mount --bind "$LAB_DIR" "$R/lab" && mount -o remount,bind,ro "$R/lab"
mount --bind "$STATE/pub" "$R/lab-pub" && mount -o remount,bind,ro "$R/lab-pub"
mount --bind "$STATE/secrets" "$R/lab-secrets" && mount -o remount,bind,ro "$R/lab-secrets"
# Hide the checkout and the controller's home (after the binds above, whose sources live in the checkout).
# /home stays traversable: the host's own users (app) get their homes on the mask.
while IFS= read -r d; do
  [[ -n $d && -d $R$d ]] || continue
  mode=0700; [[ $d == /home ]] && mode=0755
  mount -t tmpfs -o "mode=$mode,size=16m" hide "$R$d"
done <<< "${LAB_MASKS:-}"
install -m 600 "$H/ssh_host_ed25519_key" "$R/etc/ssh/ssh_host_ed25519_key"
install -m 644 "$H/ssh_host_ed25519_key.pub" "$R/etc/ssh/ssh_host_ed25519_key.pub"
hostname "$NAME"
exec chroot "$R" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root LANG=C.UTF-8 /bin/bash /lab/host/guest-init.sh "$NAME" "$IP"

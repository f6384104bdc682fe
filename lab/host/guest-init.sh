#!/bin/bash
# guest-init.sh NAME IP: PID 1 inside a host, chrooted into its overlay root. Makes the host look like a site
# server (names, root login or an ops user with sudo, user app, sshd, systemctl shim), runs its roles, then
# reaps orphans forever.
NAME=$1 IP=$2
mkdir -p /run/lab/roles /var/log/lab /run/sshd /run/lock
exec >> /var/log/lab/init.log 2>&1
printf 'NAME=%s\nIP=%s\n' "$NAME" "$IP" > /run/lab/host.env
. /lab/host/lib.sh
lab_load_env
echo "$(date +%T.%N) init $NAME $IP"

echo "$NAME" > /etc/hostname
{ cat /lab-pub/hosts; echo "127.0.1.1 $NAME"; } > /etc/hosts
if [[ -n ${DNS_IP:-} ]]; then printf 'search %s\nnameserver %s\n' "$LAB_DOMAIN" "$DNS_IP"; else echo "search $LAB_DOMAIN"; fi > /etc/resolv.conf
mkdir -p /root/.ssh && chmod 700 /root/.ssh
install -m 600 /lab-pub/authorized_keys /root/.ssh/authorized_keys
cp /etc/skel/.bashrc /etc/skel/.profile /root/ 2>/dev/null
echo "root:$(cat /lab-secrets/root-password.hash)" | chpasswd -e
getent group app > /dev/null || groupadd -g 1500 app
getent passwd app > /dev/null || useradd -u 1500 -g app -m -s /bin/bash app
install -m 755 /lab/host/systemctl /usr/local/bin/systemctl
# The machine's own units (redis.service, nginx.service… of its Debian packages) show through the overlay; a
# site server has only the units its roles write. The `systemd` variant: the marker sd_booted(3), Debian's
# `service` and the runbooks look for.
find /etc/systemd/system -maxdepth 1 -name '*.service' -delete 2>/dev/null
if lab_variant systemd; then mkdir -p /run/systemd/system; fi
# The login-ops variant: root cannot log in over SSH; ops (key or password) becomes root with sudo, after giving
# its password or, with sudo-nopasswd, without. The drop-in is checked by visudo before sudo ever reads it.
permit_root=yes
if lab_variant login-ops; then
  permit_root=no
  # uid/gid 1700: the observers' deploy user admin has 1600.
  getent group ops > /dev/null || groupadd -g 1700 ops
  getent passwd ops > /dev/null || useradd -u 1700 -g ops -d /home/ops -m -s /bin/bash ops
  install -d -m 700 -o ops -g ops /home/ops/.ssh
  install -m 600 -o ops -g ops /lab-pub/authorized_keys /home/ops/.ssh/authorized_keys
  echo "ops:$(cat /lab-secrets/ops-password.hash)" | chpasswd -e
  rule='ops ALL=(ALL:ALL) ALL'
  if lab_variant sudo-nopasswd; then rule='ops ALL=(ALL:ALL) NOPASSWD: ALL'; fi
  mkdir -p /etc/sudoers.d
  printf '# The lab ops user (login-ops variant).\n%s\n' "$rule" > /run/lab/sudoers-ops
  if visudo -cqf /run/lab/sudoers-ops; then
    install -m 440 -o root -g root /run/lab/sudoers-ops /etc/sudoers.d/ops
  else
    echo "sudoers rule for ops refused by visudo (is sudo installed? see scripts/setup.sh)"
  fi
fi
cat > /etc/ssh/sshd_config.d/00-lab.conf <<EOT
# Lab host: its own host key, root login by key or password (not at all with login-ops), many parallel
# connections for fan-out.
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin $permit_root
PasswordAuthentication yes
UseDNS no
MaxStartups 200:30:400
EOT
/usr/sbin/sshd -E /var/log/sshd.log || echo "sshd failed to start: rc=$?"

while read -r role arg; do
  if [[ ! -f /lab/roles/$role.sh ]]; then
    echo "warning: role $role has no script lab/roles/$role.sh: skipped"
    echo skipped > "/run/lab/roles/$role.rc"
    continue
  fi
  echo "$(date +%T.%N) role $role ${arg}"
  timeout 120 /lab/host/run-role.sh run "$role" "$arg" < /dev/null >> "/var/log/lab/$role.log" 2>&1
  rc=$?
  echo "$rc" > "/run/lab/roles/$role.rc"
  (( rc == 0 )) || echo "role $role failed: rc=$rc"
done < <(lab_my_roles)
touch /run/lab/ready
echo "$(date +%T.%N) ready"
# PID 1's duty: daemons double-fork and are re-parented here; bash reaps every child it is told about.
while :; do sleep 3600 & wait $!; done

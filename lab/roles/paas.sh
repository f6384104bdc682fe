#!/usr/bin/env bash
# Role paas (paas-1, paas-2): the PowerCloud platform as Xizang runs it (June 2021, older than 3.1.6 final):
# /app/soft/powercloud (lib/powercloud-*-3.1.5.jar, bin/), /app/soft/pyscript (pypssh.py of 20210618),
# /app/soft/deploy/SPRINGBOOT (the 2.0.3 scripts), /app/soft/yum (repo/ with createrepo's repodata, revision of
# 2021-06-15, and its tarball), all owned app:app; no file names the release (see lab/standins/paas-release.py);
# the platform apps powercloud-{gateway,auth,console} (init.d, ports 8080-8082, run as app); the business
# connection configs /app/config/business/*.properties and the CSB/ISP service address lists /app/config/{csb,isp}/
# (an imitation of lists exported from the service management; the precheck never passes item 11 on them).
# Variant `systemd`: each platform app is a unit (Type=simple, User=app) in /etc/systemd/system, no init script.
set -euo pipefail
. /lab/host/lib.sh
. /lab/host/initd.sh
S=/lab/standins
PKG=$(mktemp -d)
trap 'rm -rf "$PKG"' EXIT
$S/paas-release.py site "$PKG" > /dev/null

mkdir -p /app/soft/powercloud/bin /app/soft/powercloud/logs /app/soft/deploy/SPRINGBOOT /app/soft/yum /app/config
tar -xzf "$PKG/powercloud-3.1.5.tar.gz" -C /app/soft/powercloud
tar -xzf "$PKG/pyscript-20210618.tar.gz" -C /app/soft
unzip -qo "$PKG/springboot_2.0.x.zip" -d /app/soft/deploy/SPRINGBOOT
cp "$PKG/powercloud-yum-20210615.tar.gz" /app/soft/yum/
tar -xzf "$PKG/powercloud-yum-20210615.tar.gz" -C /app/soft/yum
mkdir -p /etc/yum.repos.d
printf '[powercloud]\nname=PowerCloud\nbaseurl=file:///app/soft/yum/repo\nenabled=1\ngpgcheck=0\n' > /etc/yum.repos.d/powercloud.repo

port=8080
for app in gateway auth console; do
  cat > "/app/soft/powercloud/bin/powercloud-$app" <<EOT
#!/bin/sh
# PowerCloud platform application stand-in (opsgate site lab): reports the version of its jar in lib/
exec /usr/bin/python3 $S/app-standin.py --name powercloud-$app --port $port --jar-glob '/app/soft/powercloud/lib/powercloud-$app-*.jar'
EOT
  chmod 755 "/app/soft/powercloud/bin/powercloud-$app"
  if lab_variant systemd; then
    write_unit "powercloud-$app" "PowerCloud $app (site lab stand-in)" simple "/run/powercloud/powercloud-$app.pid" \
      "/app/soft/powercloud/bin/powercloud-$app"
    sed -i 's/^Type=simple$/Type=simple\nUser=app\nGroup=app/' "/etc/systemd/system/powercloud-$app.service"
  else
    $S/initd.py "powercloud-$app" --home /app/soft/powercloud --pidfile "/run/powercloud/powercloud-$app.pid" \
      --log "/app/soft/powercloud/logs/powercloud-$app.out" --port $port --user app:app -- "/app/soft/powercloud/bin/powercloud-$app"
  fi
  port=$((port + 1))
done

for d in business csb isp; do
  mkdir -p "/app/config/$d"
  for f in /lab/roles/data/paas/$d/*; do sed "s/@NET@/$NET/g" "$f" > "/app/config/$d/$(basename "$f")"; done
done
chown -R app:app /app/soft/powercloud /app/soft/pyscript /app/soft/deploy /app/soft/yum /app/config
for app in gateway auth console; do lab_service start "powercloud-$app"; done

/**
 * The two workloads of the fan-out bench, the same for every peer: one command, and a precheck-shaped run of
 * 20 short read-only commands per host (the shape of the Xizang precheck: versions, disk, memory, processes).
 */
export const ONE_COMMAND: readonly string[] = ['hostname'];

export const PRECHECK_20: readonly string[] = [
  'hostname',
  'uname -r',
  'head -1 /etc/os-release',
  'df -P / | tail -1',
  'free -m | head -2',
  'cat /proc/loadavg',
  'id -u',
  'date +%s',
  'ls /etc/init.d | wc -l',
  'test -d /app && echo app || echo no-app',
  'ps -e | wc -l',
  'grep -c ^processor /proc/cpuinfo',
  'cat /etc/hostname',
  'ulimit -n',
  'getconf PAGESIZE',
  'ls -ld /tmp',
  'stat -c %U /root',
  'cat /proc/sys/kernel/pid_max',
  'ls /var/log | wc -l',
  'echo ok',
];

export const WORKLOADS = { 'one command': ONE_COMMAND, '20 commands': PRECHECK_20 } as const;
export type WorkloadName = keyof typeof WORKLOADS;

#!/bin/bash
# The site lab controller, run as root (usually through `opsgate lab …`, see docs/lab.md):
#   lab.sh up [--bare N] [--variant NAME[@HOST][,…]]
#                                   bring the Xizang lab (or N sshd-only hosts b001…) up; prints the site file
#   lab.sh down [--bare]            remove every namespace, link, process and mount the lab made
#   lab.sh status [--bare]          NAME ADDRESS up|down|unplugged per host; exit 1 when the lab is not fully up
#   lab.sh exec HOST -- CMD…        run CMD inside HOST (nsenter, no ssh); exit code passed through
#   lab.sh link HOST up|down        plug or unplug HOST from the lab bridge
#   lab.sh diff HOST [--all]        files changed on HOST since the lab was ready (--all: since boot)
# Environment: OPSGATE_LAB_PREFIX (og), OPSGATE_LAB_NET (10.77.0), OPSGATE_LAB_HEALTH_TIMEOUT (120 s),
#   OPSGATE_LAB_SKIP_ROLES (comma-separated roles to leave out, or `all`: plain sshd hosts),
#   OPSGATE_LAB_VARIANTS (as --variant: real-deployment variants from lab/variants).
set -euo pipefail
LAB_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
REPO_ROOT=$(dirname "$LAB_DIR")
. "$LAB_DIR/ctl/common.sh"
. "$LAB_DIR/ctl/down.sh"
. "$LAB_DIR/ctl/gates.sh"
. "$LAB_DIR/ctl/network.sh"
. "$LAB_DIR/ctl/up.sh"
. "$LAB_DIR/ctl/inspect.sh"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; exit 2; }

cmd=${1:-}; [[ -n $cmd ]] || usage; shift
case $cmd in
  up)
    count=
    while (( $# > 0 )); do
      case $1 in
        --bare)
          count=${2:-}; [[ $count =~ ^[0-9]+$ ]] && (( count >= 1 && count <= 200 )) || bad_usage "--bare needs a host count from 1 to 200, got '${count}'"
          shift 2 ;;
        --variant)
          [[ -n ${2:-} ]] || bad_usage "--variant needs NAME[@HOST][,…] (see lab/variants)"
          VARIANTS=$2; shift 2 ;;
        *) bad_usage "up: unexpected argument '$1'" ;;
      esac
    done
    [[ -z $count || -z ${VARIANTS:-} ]] || bad_usage "a bare lab has no variants"
    lab_configure "${count:+bare}"; need_root; lab_lock; cmd_up "$count" ;;
  down|status)
    mode=; if [[ ${1:-} == --bare ]]; then mode=bare; shift; fi
    (( $# == 0 )) || bad_usage "$cmd: unexpected argument '$1'"
    lab_configure "$mode"; need_root; [[ $cmd == down ]] && lab_lock; "cmd_$cmd" ;;
  exec)
    host=${1:-}; [[ -n $host ]] || bad_usage "exec: name a host"; shift
    [[ ${1:-} == -- ]] && shift
    (( $# > 0 )) || bad_usage "exec: give a command after '--'"
    lab_configure_for_host "$host"; need_root; cmd_exec "$host" "$@" ;;
  link)
    (( $# == 2 )) && [[ $2 == up || $2 == down ]] || bad_usage "link: usage is 'link HOST up|down'"
    lab_configure_for_host "$1"; need_root; cmd_link "$1" "$2" ;;
  diff)
    host=${1:-}; [[ -n $host ]] || bad_usage "diff: name a host"
    all=; [[ ${2:-} == --all ]] && all=1
    lab_configure_for_host "$host"; need_root; cmd_diff "$host" "$all" ;;
  -h|--help|help) usage ;;
  *) bad_usage "unknown command '$cmd'" ;;
esac

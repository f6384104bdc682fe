# keepalived_vip_octet ARG: the last octet of the VIP a keepalived role argument (master[:OCTET], backup[:OCTET])
# serves; .100 (the business Redis's VIP) when none is given. Sourced by the keepalived role and its gate.
keepalived_vip_octet() {
  local o=100
  [[ $1 == *:* ]] && o=${1#*:}
  [[ $o =~ ^[0-9]+$ ]] && (( o >= 100 && o <= 120 )) || { echo "keepalived role: VIP octet '$o' must be 100-120" >&2; return 1; }
  echo "$o"
}

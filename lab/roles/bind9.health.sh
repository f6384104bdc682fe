#!/bin/bash
# Gate of role bind9: the server answers authoritatively for biz.powercloud.com.
out=$(dig +norec +time=1 +tries=1 @"$IP" biz.powercloud.com SOA 2>&1)
grep -q 'status: NOERROR' <<< "$out" && grep -q 'flags:[^;]* aa' <<< "$out" || { echo "dig got no authoritative answer for biz.powercloud.com"; exit 1; }

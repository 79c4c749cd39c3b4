#!/bin/sh
# t_fault_link: faults between a PoP and its upstream FRR: FRR restarted, the BGP link
# down and up. Each time the other PoP keeps the
# client answered, and afterwards FRR has both paths, pharosd shows its session and
# service up, the anycast addresses are on lo once, and pharosd's RSS, fds and pending
# timers are back to what they were.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lab/lab.sh"
. "$here/../lab/anycast.sh"
. "$here/../lab/faults.sh"
lab_init

anycast_up 2
lab_wait 10 "all up" fault_all_up
fault_baseline
echo "ok 1 - baseline: p1 $FAULT_BASE_1 timers=$FAULT_TIMERS_1; p2 $FAULT_BASE_2 timers=$FAULT_TIMERS_2"

# 1. FRR restarted: every session drops, the FIB empties, and all comes back.
# (Every lab FRR installs routes without kernel nexthop objects: see anycast.sh.)
lab_frr_stop r
lab_wait 10 "p1 sees the session down" fault_status 1 'u["state"] != "Established"'
lab_fib_has r "$ANYCAST4/32" && lab_fail "route left in the FIB without bgpd"
fault_frr_restart 2
fault_check "FRR restart"
echo "ok 2 - FRR restarted: sessions and both paths back"

# 2. The link to p1 down for 3 s, then up: p2 answers meanwhile.
ip -n "$LAB-r" link set to-p1 down
lab_wait_not 10 "p1's path gone" anycast_has_path 1
fault_answers || lab_fail "no answer with p1's link down"
sleep 3
ip -n "$LAB-r" link set to-p1 up
fault_check "link down and up"
echo "ok 3 - BGP link down and up: p2 answered meanwhile; p1 back"

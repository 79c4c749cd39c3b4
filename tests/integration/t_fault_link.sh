#!/bin/sh
# t_fault_link: faults between a PoP and its upstream FRR: FRR restarted, the BGP link
# down and up, 30 % packet loss on the BGP session. Each time the other PoP keeps the
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
lab_frr_stop r
lab_wait 10 "p1 sees the session down" fault_status 1 's["peers"][0]["state"] != "Established"'
lab_fib_has r "$ANYCAST4/32" && lab_fail "route left in the FIB without bgpd"
lab_frr_start r "$(anycast_router_conf 2)"
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

# 3. 30 % of BGP segments dropped both ways for 10 s while route refreshes both ways
# keep UPDATEs flowing: the session survives or recovers; the client is answered.
est=$(fault_frr_connections 1)
fault_nft r "tcp dport 179 numgen random mod 100 < 30 counter drop" \
	"tcp sport 179 numgen random mod 100 < 30 counter drop"
i=0
while [ $i -lt 10 ]; do
	lab_vtysh r "clear bgp ipv4 unicast 192.0.2.18 soft" >/dev/null 2>&1 || true
	fault_answers || lab_fail "no answer under packet loss"
	sleep 1
	i=$((i + 1))
done
drops=$(lab_exec r nft list table inet pharos_fault |
	sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }')
[ "$drops" -gt 0 ] || lab_fail "no segment was dropped: the fault did not happen"
fault_nft_clear r
fault_check "30 % packet loss"
echo "ok 4 - 30 % loss on the BGP link for 10 s ($drops segments dropped): sessions right afterwards (p1 re-established $(($(fault_frr_connections 1) - est)) times)"

#!/bin/sh
# t_fault_loss: 30 % packet loss on the BGP link (nftables `numgen random` in the router's
# namespace, both directions, while route refreshes keep UPDATEs flowing): the session
# survives or recovers, the client is answered throughout, and afterwards FRR has both
# paths and pharosd's status, addresses, RSS, fds and timers are as before.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lab/lab.sh"
. "$here/../lab/anycast.sh"
. "$here/../lab/faults.sh"
lab_init

fault_lab_up

# 30 % of BGP segments dropped both ways for 10 s while route refreshes both ways
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
echo "ok 2 - 30 % loss on the BGP link for 10 s ($drops segments dropped): sessions right afterwards (p1 re-established $(($(fault_frr_connections 1) - est)) times)"

#!/bin/sh
# t_fault_silent: the upstream router goes silent (every packet to and from p1 dropped
# by nftables in its namespace) past the 9 s hold time: pharosd sends HOLD TIMER EXPIRED
# (4/0), keeps its addresses, keeps trying, and re-establishes and re-announces once the
# path heals; the other PoP answers the client meanwhile; RSS, fds and timers come back.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lab/lab.sh"
. "$here/../lab/anycast.sh"
. "$here/../lab/faults.sh"
lab_init

# A passive peer makes pharosd listen, so FRR may bring the session back inbound while
# pharosd's own connect retry is pending: that retry must stop (the timer count says so).
ANYCAST_EXTRA_SERVICE="
[peer:listener]
address = 192.0.2.241
asn = 64666
passive = yes"
fault_lab_up

# A long connect_retry: after the reset a reload makes, FRR (connect timer 1 s) comes
# back inbound long before pharosd's own retry; that retry must not stay armed.
sed -i 's/^connect_retry = 1s/connect_retry = 20s/' "$LAB_DIR/p1/pharosd.ini"
kill -HUP "$ANYCAST_PHAROSD_1"
lab_wait 5 "p1 reloaded" fault_status 1 's["agent"]["reloads"] == 1'
fault_check "the session reset by a reload"
echo "ok 2 - session reset by reload came back inbound; no connect retry left armed"

fault_nft r "ip saddr 192.0.2.18 drop" "ip daddr 192.0.2.18 drop" \
	"ip6 saddr 2001:db8:1::2 drop" "ip6 daddr 2001:db8:1::2 drop"
t0=$(date +%s)
lab_wait 15 "pharosd's hold timer expires" \
	grep -q 'peer upstream: sent notification 4/0' "$LAB_DIR/pharosd-p1.log"
t1=$(date +%s)
# The last KEEPALIVE came up to 3 s before the drop: expiry 6 to 9 s after it.
[ $((t1 - t0)) -ge 5 ] || lab_fail "hold timer expired after $((t1 - t0)) s, too soon"
fault_status 1 'u["state"] != "Established" and "4/0" in u["last_error"]' ||
	lab_fail "status does not show the expiry: $(fault_ctl 1 status --json)"
fault_addrs_ok 1 || lab_fail "p1 lost its addresses with its session"
lab_wait_not 5 "FRR drops p1's path" anycast_has_path 1
fault_answers || lab_fail "no answer while p1 is cut off"
echo "ok 3 - silent upstream: 4/0 sent after $((t1 - t0)) s; FRR dropped p1; p2 answers"

sleep 3
fault_nft_clear r
fault_check "the upstream came back"
echo "ok 4 - upstream back: p1 re-established and re-announced; usage and timers as before"

#!/bin/sh
# t_fault_bgp_evil: a peer that sends malformed messages of each RFC 4271 §6 class gets
# the right NOTIFICATION (or, where RFC 7606 says treat-as-withdraw, none and the session
# stays up), while pharosd's FRR session on the same PoP stays up without a flap and the
# anycast routes stay announced; pharosd's memory and descriptors stay bounded.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lab/lab.sh"
. "$here/../lab/anycast.sh"
. "$here/../lab/faults.sh"
lab_init

# The evil peer: passive on pharosd's side, so every case starts at once (no back-off).
ANYCAST_EXTRA_SERVICE="
[peer:evil]
address = 192.0.2.241
asn = 64666
passive = yes
hold_time = 3s"
anycast_up 1
lab_ns e
lab_link e p1 192.0.2.241/28 192.0.2.242/28
pid=$ANYCAST_PHAROSD_1
est0=$(fault_frr_connections 1)
base=$(fault_usage "$pid")

evil() {
	lab_exec e "$BUILD/tools/bgp_evil" --peer 192.0.2.242 --local 192.0.2.241 \
		--as 64666 --id 192.0.2.241 --hold 3 --wait "${EVIL_WAIT:-1.5}" "$1"
}

# case, then the exact result: "C/S data=HEX" (RFC 4271 §6, RFC 5492, 6608, 7313) or "none"
# (RFC 7606 treat-as-withdraw: the session stays up; upd-good is the control).
n=0
while read -r case want; do
	[ -n "$case" ] || continue
	got=$(evil "$case") || lab_fail "bgp_evil $case failed: $got"
	case "$want" in
	none) [ "$got" = none ] || lab_fail "$case: want no notification, got: $got" ;;
	*) [ "${got%% (*}" = "notification $want" ] || lab_fail "$case: want $want, got: $got" ;;
	esac
	n=$((n + 1))
	echo "ok $n - $case: ${got%% (*}"
	# The good session never noticed.
	lab_frr_established r 192.0.2.18 || lab_fail "FRR session down after $case"
done <<'CASES'
hdr-marker 1/1 data=
hdr-len-short 1/2 data=0012
hdr-len-keepalive 1/2 data=0014
hdr-len-long 1/2 data=1001
hdr-len-update 1/2 data=0015
hdr-type 1/3 data=09
open-version 2/1 data=0004
open-peer-as 2/2 data=0000fc9b
open-hold 2/6 data=0002
open-id 2/3 data=00000000
open-opt-param 2/4 data=
open-capability 2/7 data=010400010001010400020001
open-malformed-cap 2/0 data=
upd-attr-list 3/1 data=
upd-unrecognized 3/2 data=40c80100
upd-network 3/10 data=
upd-mp-twice 3/1 data=
upd-mp-malformed 3/9 data=800e020002
upd-missing none
upd-origin none
upd-flags none
upd-length none
upd-as-path none
upd-good none
fsm-openconfirm 5/2 data=
fsm-established 5/3 data=
rr-length 7/1 data=ffffffffffffffffffffffffffffffff0018050001000100
CASES
got=$(EVIL_WAIT=6 evil hold)
case "$got" in "notification 4/0"*) ;; *) lab_fail "hold: want 4/0, got: $got" ;; esac
n=$((n + 1))
echo "ok $n - hold: silent peer gets 4/0 hold timer expired"

kill -0 "$pid" || lab_fail "pharosd died"
[ "$(fault_frr_connections 1)" = "$est0" ] || lab_fail "the FRR session flapped"
anycast_paths_are 1 || lab_fail "the anycast route is gone"
anycast_query "$ANYCAST_ZONE" SOA +short | grep -q hostmaster || lab_fail "client gets no answer"
fault_pop_up 1 ||
	lab_fail "p1 not fully up: $(fault_ctl 1 status --json)"
fault_bounded "$pid" "$base"
n=$((n + 1))
echo "ok $n - FRR session never flapped, route announced, answers; $(fault_usage "$pid") (was $base)"

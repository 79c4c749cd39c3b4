#!/bin/sh
# bench part 1: failover. The nameserver in a PoP is SIGKILLed at a random phase of the
# probe cycle; we read from `ip -ts monitor route` in the router when its FIB stops
# sending the prefix to that PoP (the backup b takes over), then start the nameserver
# again and read when the FIB comes back. pharosd (p1) and ExaBGP 4.2 + its healthcheck
# with --withdraw-on-down (p2) run side by side at the same interval, rise and fall.
# A client sends 200 queries/s to the PoP's prefix during each; failed = no NOERROR.
set -eu
BENCH_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$BENCH_ROOT/bench/lib.sh"
lab_init

# settings: interval(s) pharos-interval pharos-timeout rise/fall
SETTINGS=${BENCH_FAILOVER_SETTINGS:-"1:1s:500ms:1 1:1s:500ms:3 0.1:100ms:50ms:1 0.1:100ms:50ms:3"}

bench_lab_up

# event SUBJECT SETTING IVAL RF PREFIX NH PIDVAR NS: one failover and one recovery (RF
# is informational).
event() {
	ev_sub=$1 ev_set=$2 ev_ival=$3 ev_pfx=$5 ev_nh=$6 ev_pidvar=$7 ev_ns=$8
	# failover
	bench_client_start "$ev_pfx"
	sleep 0.5
	bench_phase "$ev_ival"
	eval "ev_pid=\$$ev_pidvar"
	t0=$(lab_now)
	kill -9 "$ev_pid"
	wait "$ev_pid" 2>/dev/null || true
	lab_wait 20 "$ev_sub: FIB away from its PoP" sh -c "! ip -n $LAB-r route show $ev_pfx | grep -q 'via $ev_nh '"
	sleep 0.2
	d=$(bench_route_event "$LAB_DIR/route-r.log" "$ev_pfx" "$t0" "$ev_nh" away)
	bench_sample failover "withdraw time" "$ev_set" "$ev_sub" "${d:-NA}" s
	bench_client_stop
	bench_sample failover "failed queries at withdraw" "$ev_set" "$ev_sub" "$BENCH_FAILED" queries
	# recovery
	bench_client_start "$ev_pfx"
	sleep 0.5
	t0=$(lab_now)
	bench_dnsd "$ev_ns" "$ev_ns" "$ev_pfx"
	eval "$ev_pidvar=\$BENCH_DNSD_PID"
	lab_wait 30 "$ev_sub: FIB back to its PoP" bench_fib_via "$ev_pfx" "$ev_nh"
	sleep 0.2
	d=$(bench_route_event "$LAB_DIR/route-r.log" "$ev_pfx" "$t0" "$ev_nh" back)
	bench_sample failover "recovery time" "$ev_set" "$ev_sub" "${d:-NA}" s
	bench_client_stop
	bench_sample failover "failed queries at recovery" "$ev_set" "$ev_sub" "$BENCH_FAILED" queries
}

for s in $SETTINGS; do
	ival=${s%%:*}
	rest=${s#*:}
	pival=${rest%%:*}
	rest=${rest#*:}
	ptmo=${rest%%:*}
	rf=${rest#*:}
	set_name="interval ${pival} rise/fall $rf"
	[ -z "${BENCH_PHAROSD:-}" ] || lab_stop "$BENCH_PHAROSD"
	[ -z "${BENCH_EXABGP:-}" ] || lab_stop "$BENCH_EXABGP"
	bench_pharosd_up "$pival" "$ptmo" "$rf" "$rf"
	bench_exabgp_up "$ival" "$rf" "$rf"
	run=1
	while [ $run -le "$BENCH_RUNS" ]; do
		event pharosd "$set_name" "$ival" "$rf" $BENCH_V4P $BENCH_NH_P BENCH_DNSD_P p1
		event exabgp "$set_name" "$ival" "$rf" $BENCH_V4X $BENCH_NH_X BENCH_DNSD_X p2
		run=$((run + 1))
	done
done

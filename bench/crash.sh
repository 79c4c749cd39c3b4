#!/bin/sh
# bench part 2: crash and hang. The BGP speaker itself is SIGKILLed (the kernel closes
# its session: the route goes at once) or SIGSTOPped (the route goes only when the
# router's hold timer, 9 s, expires); time from the signal until the router's FIB stops
# sending the prefix to that PoP, from `ip -ts monitor route`. pharosd and ExaBGP alike.
set -eu
BENCH_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$BENCH_ROOT/bench/lib.sh"
lab_init
bench_lab_up
bench_pharosd_up 1s 500ms 1 1
bench_exabgp_up 1 1 1

# hit SUBJECT SIGNAL PIDVAR PREFIX NH
hit() {
	eval "h_pid=\$$3"
	t0=$(lab_now)
	kill -"$2" "$h_pid"
	lab_wait 20 "$1: FIB away after SIG$2" sh -c "! ip -n $LAB-r route show $4 | grep -q 'via $5 '"
	sleep 0.2
	d=$(bench_route_event "$LAB_DIR/route-r.log" "$4" "$t0" "$5" away)
	case $2 in
	KILL) bench_sample crash "route gone after SIGKILL" "hold 9s" "$1" "${d:-NA}" s ;;
	STOP) bench_sample crash "route gone after SIGSTOP" "hold 9s" "$1" "${d:-NA}" s ;;
	esac
	[ "$2" = STOP ] && kill -CONT "$h_pid"
	lab_stop "$h_pid"
}

run=1
while [ $run -le "$BENCH_RUNS" ]; do
	for sig in KILL STOP; do
		hit pharosd $sig BENCH_PHAROSD $BENCH_V4P $BENCH_NH_P
		bench_pharosd_up 1s 500ms 1 1
		hit exabgp $sig BENCH_EXABGP $BENCH_V4X $BENCH_NH_X
		bench_exabgp_up 1 1 1
	done
	run=$((run + 1))
done

#!/bin/sh
# bench part 3: footprint. RSS and CPU of pharosd and of ExaBGP + its healthcheck
# processes (the whole process tree, with the kdig children they reap), measured over
# BENCH_FP_SECS seconds (20, quick 10) after a warm-up and scaled to a minute:
#   at rest:             1 dns probe / 1 healthcheck, interval 1 s
#   200 probes, 1 s:     pharosd with 200 dns probes; ExaBGP with BENCH_FP_EXA
#                        healthcheck processes (200, quick 50; figures scaled to 200)
#   200 probes, 100 ms:  pharosd only (200 healthchecks forking kdig 10 times a second
#                        each would need more CPUs than this machine has)
# CPU per check = CPU time / checks done in the window (probes x window / interval).
set -eu
BENCH_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$BENCH_ROOT/bench/lib.sh"
lab_init
if [ -n "$BENCH_QUICK" ]; then
	: "${BENCH_FP_SECS:=10}" "${BENCH_FP_EXA:=50}"
else
	: "${BENCH_FP_SECS:=20}" "${BENCH_FP_EXA:=200}"
fi
HZ=$(getconf CLK_TCK)
bench_lab_up

# measure SUBJECT SETTING ROOTPID NPROBES INTERVAL_S SCALE
measure() {
	pids=$(bench_descendants "$3")
	c0=$(bench_cpu_ticks $pids)
	sleep "$BENCH_FP_SECS"
	pids=$(bench_descendants "$3")
	c1=$(bench_cpu_ticks $pids)
	rss=$(bench_rss_kib $pids)
	awk -v c=$((c1 - c0)) -v hz="$HZ" -v w="$BENCH_FP_SECS" -v n="$4" -v i="$5" -v k="$6" \
		-v r="$rss" 'BEGIN { printf "%.4f %.1f %.0f\n", c / hz * 60 / w * k, c / hz / (n * w / i) * 1e6, r * k }' \
		>"$LAB_DIR/fp"
	read -r cpm cpc rssk <"$LAB_DIR/fp"
	bench_sample footprint "CPU seconds per minute" "$2" "$1" "$cpm" s/min
	bench_sample footprint "CPU per check" "$2" "$1" "$cpc" us
	bench_sample footprint "RSS" "$2" "$1" "$rssk" KiB
}

# Runs: BENCH_FP_RUNS (2; quick 1): starting 200 Python healthchecks takes a while.
: "${BENCH_FP_RUNS:=$(( BENCH_RUNS < 2 ? BENCH_RUNS : 2 ))}"
run=1
while [ $run -le "$BENCH_FP_RUNS" ]; do
	bench_pharosd_up 1s 500ms 1 1
	sleep 2
	measure pharosd "at rest: 1 probe 1s" "$BENCH_PHAROSD" 1 1 1
	lab_stop "$BENCH_PHAROSD"
	bench_pharosd_up 1s 500ms 1 1 199
	sleep 3
	measure pharosd "200 probes 1s" "$BENCH_PHAROSD" 200 1 1
	lab_stop "$BENCH_PHAROSD"
	bench_pharosd_up 100ms 50ms 1 1 199
	sleep 3
	measure pharosd "200 probes 100ms" "$BENCH_PHAROSD" 200 0.1 1
	lab_stop "$BENCH_PHAROSD"

	bench_exabgp_up 1 1 1
	sleep 2
	measure exabgp "at rest: 1 probe 1s" "$BENCH_EXABGP" 1 1 1
	lab_stop "$BENCH_EXABGP"
	bench_exabgp_up 1 1 1 "$BENCH_FP_EXA"
	lab_wait 120 "$BENCH_FP_EXA healthchecks running" \
		sh -c "[ \$(pgrep -c -P $BENCH_EXABGP) -ge $BENCH_FP_EXA ]"
	sleep 5
	measure exabgp "200 probes 1s" "$BENCH_EXABGP" "$BENCH_FP_EXA" 1 \
		"$(awk -v n="$BENCH_FP_EXA" 'BEGIN { print 200 / n }')"
	lab_stop "$BENCH_EXABGP"
	run=$((run + 1))
done

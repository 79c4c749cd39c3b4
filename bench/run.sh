#!/bin/sh
# bench/run.sh: `make bench`. Runs every part (or those named in BENCH_PARTS), each in its
# own lab, then prints the table and writes $BENCH_OUT/results.csv (medians, ratios to
# pharos). BENCH_QUICK=1: one run of each and shorter windows. Needs root.
#   parts: failover crash footprint bgpscale responder
set -eu
BENCH_ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=$BENCH_ROOT/build}"
: "${BENCH_OUT:=$BUILD/bench}"
: "${BENCH_PARTS:=failover crash footprint bgpscale responder}"
export BUILD BENCH_OUT
[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 1; }
mkdir -p "$BENCH_OUT"
: >"$BENCH_OUT/raw.csv"
start=$(date +%s)
failed=
for part in $BENCH_PARTS; do
	echo "bench: $part" >&2
	ps=$(date +%s)
	if ! sh "$BENCH_ROOT/bench/$part.sh" >"$BENCH_OUT/$part.log" 2>&1; then
		echo "bench: $part FAILED (see $BENCH_OUT/$part.log)" >&2
		tail -20 "$BENCH_OUT/$part.log" >&2
		failed="$failed $part"
	fi
	echo "bench: $part took $(($(date +%s) - ps)) s" >&2
done
{
	echo "# pharos bench, $(date -u +%Y-%m-%dT%H:%M:%SZ), ${BENCH_QUICK:+quick, }$(nproc) CPUs,"
	echo "# $(uname -r); took $(($(date +%s) - start)) s. x pharos = peer / pharos."
	/usr/bin/python3 "$BENCH_ROOT/bench/report.py" "$BENCH_OUT/raw.csv" "$BENCH_OUT/results.csv"
} | tee "$BENCH_OUT/results.txt"
echo "bench: results in $BENCH_OUT/results.csv" >&2
[ -z "$failed" ] || { echo "bench: failed parts:$failed" >&2; exit 1; }

#!/bin/sh
# bench part 5: the responder. pharos-dnsd, NSD and Knot DNS serve the same zone (10,000
# names) on 127.0.0.1 in a namespace of their own, in turn, in the same run; dnsperf sends
# the same query mix (60 % existing names, 20 % NXDOMAIN, 20 % NODATA) for BENCH_DNS_SECS
# seconds with 8 sockets. With 1 server thread the server is pinned to CPU 0 and dnsperf
# to CPU 1; with 2 threads neither is pinned (this machine has 2 CPUs). Figures: queries
# per second, and server CPU per query from /proc/PID/stat (utime+stime of the server's
# whole process tree) over the run.
set -eu
BENCH_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$BENCH_ROOT/bench/lib.sh"
lab_init
if [ -n "$BENCH_QUICK" ]; then : "${BENCH_DNS_SECS:=4}"; else : "${BENCH_DNS_SECS:=8}"; fi
: "${BENCH_DNS_THREADS:=1 2}"
: "${BENCH_DNS_SERVERS:=pharos-dnsd nsd knot}"
NAMES=10000
HZ=$(getconf CLK_TCK)
lab_ns s
D=$LAB_DIR/dns
mkdir -p "$D"
chmod 755 "$D"
bench_zone example.net $NAMES >"$D/example.net.zone"
awk -v n=$NAMES 'BEGIN { srand(4); for (i = 0; i < 20000; i++) { r = rand(); h = int(rand() * n)
	if (r < 0.3) printf "h%d.example.net A\n", h
	else if (r < 0.55) printf "h%d.example.net AAAA\n", h
	else if (r < 0.6) printf "www.example.net A\n"
	else if (r < 0.8) printf "nx%d.example.net A\n", h
	else if (r < 0.9) printf "h%d.example.net MX\n", h
	else printf "www.example.net TXT\n" } }' >"$D/queries"

conf() {
	case $1 in
	pharos-dnsd)
		printf '[dnsd]\nlisten = 127.0.0.1\nthreads = %d\n\n[zone:example.net]\nfile = %s\n' \
			"$2" "$D/example.net.zone" >"$D/dnsd.ini"
		;;
	nsd)
		cat >"$D/nsd.conf" <<EOC
server:
	ip-address: 127.0.0.1
	port: 53
	server-count: $2
	reuseport: yes
	username: ""
	chroot: ""
	database: ""
	zonelistfile: "$D/zone.list"
	xfrdfile: "$D/xfrd.state"
	pidfile: "$D/nsd.pid"
	logfile: "$D/nsd.log"
	verbosity: 0
	rrl-ratelimit: 0
	rrl-whitelist-ratelimit: 0
remote-control:
	control-enable: no
zone:
	name: example.net
	zonefile: "$D/example.net.zone"
EOC
		;;
	knot)
		cat >"$D/knot.conf" <<EOC
server:
    listen: 127.0.0.1@53
    rundir: "$D"
    udp-workers: $2
    tcp-workers: 1
    background-workers: 1
control:
    listen: "$D/knot.sock"
database:
    storage: "$D/knotdb"
log:
  - target: stderr
    any: warning
template:
  - id: default
    storage: "$D"
    journal-content: none
    zonefile-sync: -1
zone:
  - domain: example.net
    file: "$D/example.net.zone"
EOC
		;;
	esac
}

start() {
	pin=
	[ "$2" = 1 ] && pin="taskset -c 0"
	case $1 in
	pharos-dnsd) lab_bg s "$1" $pin "$BUILD/pharos-dnsd" -c "$D/dnsd.ini" ;;
	nsd) lab_bg s "$1" $pin nsd -d -c "$D/nsd.conf" ;;
	knot) lab_bg s "$1" $pin knotd -c "$D/knot.conf" ;;
	esac
	SRV=$LAB_LASTPID
	lab_wait 20 "$1 answers" lab_exec s kdig +time=1 +retry=0 @127.0.0.1 www.example.net A +short
}

run=1
while [ $run -le "$BENCH_RUNS" ]; do
	for th in $BENCH_DNS_THREADS; do
		for srv in $BENCH_DNS_SERVERS; do
			conf "$srv" "$th"
			start "$srv" "$th"
			pids=$(bench_descendants "$SRV")
			pin=
			[ "$th" = 1 ] && pin="taskset -c 1"
			c0=$(bench_cpu_ticks $pids)
			lab_exec s $pin dnsperf -s 127.0.0.1 -d "$D/queries" -l "$BENCH_DNS_SECS" -c 8 \
				-q 200 -t 1 >"$D/dnsperf.out" 2>&1
			c1=$(bench_cpu_ticks $pids)
			rss=$(bench_rss_kib $pids)
			lab_stop "$SRV"
			qps=$(awk '/Queries per second:/ { print $4 }' "$D/dnsperf.out")
			done_=$(awk '/Queries completed:/ { print $3 }' "$D/dnsperf.out")
			lost=$(awk '/Queries lost:/ { print $3 }' "$D/dnsperf.out")
			cpu=$(awk -v c=$((c1 - c0)) -v hz="$HZ" -v n="$done_" 'BEGIN { printf "%.3f", c / hz / n * 1e6 }')
			bench_sample responder "queries per second" "$th thread(s)" "$srv" "$qps" qps
			bench_sample responder "server CPU per query" "$th thread(s)" "$srv" "$cpu" us
			bench_sample responder "queries lost" "$th thread(s)" "$srv" "$lost" queries
			bench_sample responder "server RSS" "$th thread(s)" "$srv" "$rss" KiB
		done
	done
	run=$((run + 1))
done
grep -h 'Response codes' "$D/dnsperf.out" >&2 || true

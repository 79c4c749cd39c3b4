# bench/lib.sh: what the bench parts share (POSIX sh; source it after setting BENCH_ROOT).
#
# Samples go to $BENCH_OUT/raw.csv, one line each:
#   part,metric,setting,subject,value,unit
# bench/report.py turns them into medians, ratios against pharos, a table and
# $BENCH_OUT/results.csv. Every part builds its own lab with tests/lab/lab.sh (unique
# namespace names, cleanup on exit, bounded waits, only the PIDs it started).

: "${BENCH_ROOT:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILD:=$BENCH_ROOT/build}"
: "${BENCH_OUT:=$BUILD/bench}"
: "${BENCH_QUICK:=}"
if [ -n "$BENCH_QUICK" ]; then
	: "${BENCH_RUNS:=1}"
else
	: "${BENCH_RUNS:=3}"
fi
export BUILD
. "$BENCH_ROOT/tests/lab/lab.sh"
LAB_ROOT=$BENCH_ROOT
BENCH_PY=/usr/bin/python3 # Debian's, where exabgp lives
mkdir -p "$BENCH_OUT"

# bench_sample PART METRIC SETTING SUBJECT VALUE UNIT: record one measurement.
bench_sample() {
	[ $# -eq 6 ] || lab_fail "bench_sample: 6 fields, not $#: $*"
	printf '%s\n' "$1" "$2" "$3" "$4" "$5" "$6" | tr -d ',' | paste -sd, - >>"$BENCH_OUT/raw.csv"
	lab_log "sample: $*"
}

# bench_phase SECONDS: sleep a random fraction of SECONDS (a random phase of a cycle).
bench_phase() {
	sleep "$(awk -v s="$$$(date +%N)" -v t="$1" 'BEGIN { srand(s % 1000000007); printf "%.3f", rand() * t }')"
}

# bench_cpu_ticks PID...: utime+stime (+ reaped children) of the PIDs, in clock ticks.
bench_cpu_ticks() {
	_bt=0
	for _bp in "$@"; do
		# fields after the ")": 14 utime, 15 stime, 16 cutime, 17 cstime (1-based in stat)
		_bv=$(sed 's/.*) //' "/proc/$_bp/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }')
		_bt=$((_bt + ${_bv:-0}))
	done
	echo "$_bt"
}

# bench_rss_kib PID...: the summed VmRSS of the PIDs.
bench_rss_kib() {
	_bt=0
	for _bp in "$@"; do
		_bv=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$_bp/status" 2>/dev/null) || _bv=0
		_bt=$((_bt + ${_bv:-0}))
	done
	echo "$_bt"
}

# bench_descendants PID: PID and all its descendants.
bench_descendants() {
	echo "$1"
	for _bc in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		bench_descendants "$_bc"
	done
}

# bench_zone ORIGIN N: a zone with N names (hN A/AAAA), an MX, TXT; no DNSSEC.
bench_zone() {
	awk -v o="$1" -v n="$2" 'BEGIN {
		printf "$ORIGIN %s.\n$TTL 300\n", o
		print "@ SOA ns1 hostmaster 2026113001 3600 600 86400 60"
		print "@ NS ns1"
		print "@ MX 10 mail"
		print "ns1 A 203.0.113.53"
		print "mail A 198.51.100.25"
		print "www A 198.51.100.80"
		print "www AAAA 2001:db8:100::80"
		print "txt TXT \"v=spf1 -all\""
		for (i = 0; i < n; i++)
			printf "h%d A 198.51.%d.%d\nh%d AAAA 2001:db8:%x::%x\n", i, 100 + int(i / 256) % 3, i % 256, i, int(i / 256), i % 256
	}'
}

# bench_route_event LOG PREFIX T0 NH MODE: seconds from T0 (epoch, µs) to the first
# `ip -ts monitor route` line in LOG for PREFIX at or after T0 whose route is gone or goes
# elsewhere than NH (MODE=away) or goes via NH (MODE=back). Prints nothing if none.
bench_route_event() {
	"$BENCH_PY" - "$@" <<'PYEOF'
import sys, datetime
log, pfx, t0, nh, mode = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5]
for line in open(log, errors="replace"):
    if not line.startswith("["):
        continue
    ts, _, rest = line[1:].partition("] ")
    try:
        t = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%f").timestamp()
    except ValueError:
        continue
    if t < t0:
        continue
    words = rest.split()
    deleted = words[:1] == ["Deleted"]
    if deleted:
        words = words[1:]
    if not words or words[0] not in (pfx, pfx + "/32", pfx.split("/")[0]):
        continue
    via = words[words.index("via") + 1] if "via" in words else None
    if mode == "away" and (deleted or via != nh):
        print("%.6f" % (t - t0)); break
    if mode == "back" and not deleted and via == nh:
        print("%.6f" % (t - t0)); break
PYEOF
}

# ---- the failover lab ----
#
#            client c (198.51.100.2)
#                |
#            router r: FRR AS 64500
#           /        |          \
#   p1 (pharosd)  p2 (ExaBGP)   b (backup)
#   AS 64501      AS 64502      AS 64503, AS path prepended 3 times
#   .53 on lo     .54 on lo     .53 and .54 on lo
#
# Each of p1, p2 and b runs pharos-dnsd (the same responder everywhere; NSID = its name).
# pharosd announces 203.0.113.53/32, ExaBGP 203.0.113.54/32, b both (worse), so when a
# PoP withdraws, the router's FIB moves the prefix to b and the client's queries go on.
BENCH_V4P=203.0.113.53
BENCH_V4X=203.0.113.54
BENCH_NH_P=192.0.2.18
BENCH_NH_X=192.0.2.34
BENCH_NH_B=192.0.2.50

bench_router_conf() {
	cat <<EOC
ip forwarding
router bgp 64500
 bgp router-id 198.51.100.1
 no bgp ebgp-requires-policy
 bgp log-neighbor-changes
 neighbor $BENCH_NH_P remote-as 64501
 neighbor $BENCH_NH_P timers 3 9
 neighbor $BENCH_NH_P timers connect 1
 neighbor $BENCH_NH_X remote-as 64502
 neighbor $BENCH_NH_X timers 3 9
 neighbor $BENCH_NH_X passive
 neighbor $BENCH_NH_B remote-as 64503
 neighbor $BENCH_NH_B timers 3 9
 neighbor $BENCH_NH_B timers connect 1
 address-family ipv4 unicast
 exit-address-family
EOC
}

# bench_dnsd NS NAME ADDR...: pharos-dnsd in NS on ADDRs (port 53) with NSID NAME; sets
# BENCH_DNSD_PID and waits until it answers.
bench_dnsd() {
	_bn=$1 _bid=$2
	shift 2
	_bl=
	for _ba in "$@"; do _bl="$_bl -l $_ba"; done
	# shellcheck disable=SC2086
	lab_bg "$_bn" "dnsd-$_bn" "$BUILD/pharos-dnsd" $_bl -z "example.net=$LAB_DIR/zone" \
		--nsid "$_bid" --identity "$_bid"
	BENCH_DNSD_PID=$LAB_LASTPID
	lab_wait 5 "pharos-dnsd in $_bn answers" \
		lab_exec "$_bn" kdig +time=1 +retry=0 "@$1" example.net SOA +short
}

# bench_pharosd_conf INTERVAL TIMEOUT RISE FALL [EXTRA_PROBES]: p1's pharosd.ini.
bench_pharosd_conf() {
	cat <<EOC
[agent]
asn = 64501
router_id = $BENCH_NH_P
interface = lo
keep_addresses = yes
state_dir = $LAB_DIR/p1/state
control_socket = $LAB_DIR/p1/pharosd.sock
drain_time = 0s

[peer:upstream]
address = 192.0.2.17
asn = 64500
hold_time = 9s
connect_retry = 1s
families = ipv4

[probe:dns]
type = dns
server = $BENCH_V4P
qname = example.net
qtype = SOA
interval = $1
timeout = $2
rise = $3
fall = $4

[service:dns]
prefixes = $BENCH_V4P/32
probes = dns
EOC
	_bi=1
	while [ "$_bi" -le "${5:-0}" ]; do
		printf '\n[probe:x%d]\ntype = dns\nserver = %s\nqname = h%d.example.net\nqtype = A\n' \
			"$_bi" "$BENCH_V4P" "$_bi"
		printf 'interval = %s\ntimeout = %s\n' "$1" "$2"
		_bi=$((_bi + 1))
	done
}

# bench_pharosd_start ARGS-of-bench_pharosd_conf: start pharosd in p1 (without the lab's
# debug logging, as it would run); sets BENCH_PHAROSD.
bench_pharosd_start() {
	bench_pharosd_conf "$@" >"$LAB_DIR/p1/pharosd.ini"
	lab_bg p1 pharosd-p1 "$BUILD/pharosd" -c "$LAB_DIR/p1/pharosd.ini"
	BENCH_PHAROSD=$LAB_LASTPID
}

# bench_exabgp_start INTERVAL RISE FALL [N]: ExaBGP in p2 with N healthchecks (default 1)
# of 203.0.113.54 (kdig, as a user would write it); sets BENCH_EXABGP.
bench_exabgp_start() {
	_bd=$LAB_DIR/p2
	mkdir -p "$_bd"
	cat >"$_bd/hc.sh" <<EOC
exec $BENCH_PY -m exabgp healthcheck --no-syslog --no-ip-setup \\
	--withdraw-on-down --interval $1 --fast-interval $1 --rise $2 --fall $3 --timeout 1 \\
	--ip $BENCH_V4X/32 --cmd "kdig +time=1 +retry=0 @$BENCH_V4X example.net SOA"
EOC
	{
		_bi=1
		while [ "$_bi" -le "${4:-1}" ]; do
			printf 'process hc%d {\n run /bin/sh %s/hc.sh;\n encoder text;\n}\n' "$_bi" "$_bd"
			_bi=$((_bi + 1))
		done
		printf 'neighbor 192.0.2.33 {\n router-id %s;\n local-address %s;\n' "$BENCH_NH_X" "$BENCH_NH_X"
		printf ' local-as 64502;\n peer-as 64500;\n hold-time 9;\n api {\n  processes [' 
		_bi=1
		while [ "$_bi" -le "${4:-1}" ]; do
			printf ' hc%d' "$_bi"
			_bi=$((_bi + 1))
		done
		printf ' ];\n }\n}\n'
	} >"$_bd/exabgp.conf"
	lab_bg p2 exabgp env exabgp.daemon.user=root exabgp.daemon.drop=false \
		exabgp.api.cli=false exabgp.log.destination=stderr exabgp.log.level=WARNING \
		exabgp.tcp.bind= exabgp.api.ack=true \
		exabgp "$_bd/exabgp.conf"
	BENCH_EXABGP=$LAB_LASTPID
}

# bench_speaker_backup: b announces both prefixes with its AS prepended 3 times.
bench_speaker_backup() {
	mkfifo "$LAB_DIR/backup.ctl"
	lab_bg b backup sh -c "exec $BUILD/tools/bgp_speaker --asn 64503 --id $BENCH_NH_B \
		--peer 192.0.2.49 --local $BENCH_NH_B --peer-as 64500 --hold 9 --families ipv4 \
		--prepend 3 $BENCH_V4P/32 $BENCH_V4X/32 <>$LAB_DIR/backup.ctl >$LAB_DIR/backup.out"
}

# bench_path_from NH PREFIX: FRR's best path for PREFIX is via NH.
bench_best_via() {
	lab_json_eval r "show bgp ipv4 unicast $2 json" \
		"[p for p in j.get('paths', []) if p.get('bestpath', {}).get('overall') and p['peer']['peerId'] == '$1']"
}

# bench_fib_via PREFIX NH: the router's kernel FIB sends PREFIX via NH.
bench_fib_via() {
	ip -n "$LAB-r" route show "$1" | grep -q "via $2 "
}

bench_lab_up() {
	lab_ns r
	lab_ns c
	lab_ns p1
	lab_ns p2
	lab_ns b
	lab_link r c 198.51.100.1/24 198.51.100.2/24
	lab_link r p1 192.0.2.17/28 $BENCH_NH_P/28
	lab_link r p2 192.0.2.33/28 $BENCH_NH_X/28
	lab_link r b 192.0.2.49/28 $BENCH_NH_B/28
	lab_exec c ip route add default via 198.51.100.1
	lab_exec p1 ip route add default via 192.0.2.17
	lab_exec p2 ip route add default via 192.0.2.33
	lab_exec b ip route add default via 192.0.2.49
	lab_exec p2 ip addr add $BENCH_V4X/32 dev lo
	lab_exec b ip addr add $BENCH_V4P/32 dev lo
	lab_exec b ip addr add $BENCH_V4X/32 dev lo
	bench_zone example.net 1000 >"$LAB_DIR/zone"
	mkdir -p "$LAB_DIR/p1" "$LAB_DIR/p2"
	lab_frr_start r "$(bench_router_conf)"
	lab_route_monitor r
	bench_dnsd b b $BENCH_V4P $BENCH_V4X
	bench_speaker_backup
	bench_dnsd p2 p2 $BENCH_V4X
	BENCH_DNSD_X=$BENCH_DNSD_PID
	lab_wait 30 "backup announced" bench_fib_via $BENCH_V4X $BENCH_NH_B
}

# bench_client_start ADDR: dnsperf in c at 200 queries/s (1 s timeout, up to 120 s),
# output in $LAB_DIR/client.out; sets BENCH_CLIENT. Stop it with bench_client_failed.
bench_client_start() {
	printf 'www.example.net A\nexample.net SOA\n' >"$LAB_DIR/client.q"
	# (env: an asynchronous command starts with SIGINT ignored; dnsperf stops on it)
	ip netns exec "$LAB-c" env --default-signal=INT dnsperf -q 1000 -s "$1" -d "$LAB_DIR/client.q" -Q 200 -l 120 -t 1 -c 1 \
		>"$LAB_DIR/client.out" 2>&1 &
	BENCH_CLIENT=$!
}

# bench_client_stop: 1.5 s on (so what was sent during an outage has timed out), stop
# the client and set BENCH_FAILED to how many of its queries got no NOERROR answer
# (lost, refused or an error code); queries still in flight at the stop do not count.
bench_client_stop() {
	sleep 1.5
	kill -INT "$BENCH_CLIENT" 2>/dev/null || true
	wait "$BENCH_CLIENT" 2>/dev/null || true
	BENCH_FAILED=$(awk '/Queries sent:/ { s = $3 } /Queries interrupted:/ { n = $3 }
		/NOERROR/ { for (i = 1; i < NF; i++) if ($i == "NOERROR") ok = $(i + 1) }
		END { if (s == "") print "NA"; else print s - ok - n }' "$LAB_DIR/client.out")
}

# bench_pharosd_up ARGS-of-bench_pharosd_conf: (re)start pharosd in p1, its responder
# (if it is not running) and wait until the router's FIB sends .53 to p1.
bench_pharosd_up() {
	bench_pharosd_start "$@"
	lab_wait 10 "anycast address on p1" \
		sh -c "ip -n $LAB-p1 -o addr show dev lo | grep -q ' $BENCH_V4P/32 '"
	if [ -z "${BENCH_DNSD_P:-}" ] || ! kill -0 "$BENCH_DNSD_P" 2>/dev/null; then
		bench_dnsd p1 p1 $BENCH_V4P
		BENCH_DNSD_P=$BENCH_DNSD_PID
	fi
	lab_wait 30 "FIB via pharosd" bench_fib_via $BENCH_V4P $BENCH_NH_P
}

# bench_exabgp_up INTERVAL RISE FALL [N]: (re)start ExaBGP and wait for its route.
bench_exabgp_up() {
	bench_exabgp_start "$@"
	lab_wait 60 "FIB via ExaBGP" bench_fib_via $BENCH_V4X $BENCH_NH_X
}

# lab.sh: the network-namespace lab library (POSIX sh; source it).
#
# Builds small topologies of namespaces joined by veths, runs real FRR (zebra + bgpd),
# BIRD 2, pharosd and pharos-dnsd inside them, waits for conditions with deadlines, and
# tears everything down on exit, even after a failure. Only documentation prefixes.
#
#   . tests/lab/lab.sh
#   lab_init                       # trap cleanup; names are unique per run
#   lab_ns r; lab_ns p1            # namespaces "$LAB-r", "$LAB-p1"
#   lab_link r p1 192.0.2.1/24,2001:db8:1::1/64 192.0.2.2/24,2001:db8:1::2/64
#   lab_frr_start r "$conf"        # zebra + bgpd as user frr, own run dir and vty
#   lab_wait 10 "session up" lab_frr_json r 'show bgp summary json' '...'
#
# Every wait is bounded; processes are stopped by the PIDs this library started.

LAB_ROOT=$(cd "$(dirname "${0:-.}")/../.." 2>/dev/null && pwd)
: "${BUILD:=$LAB_ROOT/build}"
LAB=
LAB_DIR=
LAB_NS=
LAB_PIDS=
LAB_FRR=
LAB_BIRD=
LAB_NLINK=0

lab_log() {
	printf '%s lab: %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$*" >&2
}

lab_fail() {
	lab_log "FAIL: $*"
	exit 1
}

lab_init() {
	[ "$(id -u)" = 0 ] || lab_fail "the lab needs root (network namespaces)"
	LAB="ph$$"
	LAB_DIR=$(mktemp -d "/tmp/pharos-lab.$LAB.XXXXXX")
	chmod 755 "$LAB_DIR"
	trap lab_cleanup EXIT
	trap 'exit 130' INT TERM
}

lab_cleanup() {
	rc=$?
	trap - EXIT
	set +e
	for p in $LAB_PIDS; do kill "$p" 2>/dev/null; done
	for ns in $LAB_FRR; do lab_frr_stop "$ns"; done
	for ns in $LAB_BIRD; do lab_bird_stop "$ns"; done
	sleep 0.2
	for p in $LAB_PIDS; do kill -9 "$p" 2>/dev/null; done
	for ns in $LAB_NS; do ip netns del "$LAB-$ns" 2>/dev/null; done
	if [ $rc -ne 0 ] && [ -n "$LAB_DIR" ]; then
		for f in "$LAB_DIR"/*.log; do
			[ -f "$f" ] || continue
			echo "---- $f (last 40 lines)" >&2
			tail -40 "$f" >&2
		done
	fi
	[ -n "${KEEP_LOGS:-}" ] || rm -rf "$LAB_DIR"
	exit $rc
}

# lab_ns NAME: a namespace "$LAB-NAME" with lo up.
lab_ns() {
	ip netns add "$LAB-$1" || lab_fail "cannot create namespace $LAB-$1"
	LAB_NS="$LAB_NS $1"
	ip -n "$LAB-$1" link set lo up
	ip netns exec "$LAB-$1" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1 \
		net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 >/dev/null 2>&1
}

# lab_exec NAME CMD...: run CMD inside namespace NAME.
lab_exec() {
	_ln=$1
	shift
	ip netns exec "$LAB-$_ln" "$@"
}

# lab_link A B ADDRS_A ADDRS_B: a veth between A and B; addresses comma-separated.
# Prints nothing; the interface in A is named "to-B" and in B "to-A" (truncated to 15).
lab_link() {
	LAB_NLINK=$((LAB_NLINK + 1))
	_lia=$(printf 'to-%s' "$2" | cut -c1-15)
	_lib=$(printf 'to-%s' "$1" | cut -c1-15)
	ip link add "lv$$x$LAB_NLINK" type veth peer name "lw$$x$LAB_NLINK" || lab_fail "veth"
	ip link set "lv$$x$LAB_NLINK" netns "$LAB-$1" name "$_lia"
	ip link set "lw$$x$LAB_NLINK" netns "$LAB-$2" name "$_lib"
	_lab_addrs "$1" "$_lia" "$3"
	_lab_addrs "$2" "$_lib" "$4"
	ip -n "$LAB-$1" link set "$_lia" up
	ip -n "$LAB-$2" link set "$_lib" up
}

_lab_addrs() {
	for _la in $(echo "$3" | tr ',' ' '); do
		case "$_la" in
		*:*) ip -n "$LAB-$1" addr add "$_la" dev "$2" nodad ;;
		*) ip -n "$LAB-$1" addr add "$_la" dev "$2" ;;
		esac
	done
}

# lab_wait SECONDS WHAT CMD...: run CMD every 0.1 s until it succeeds; fail after SECONDS.
lab_wait() {
	_lsecs=$1 _lwhat=$2
	shift 2
	_lend=$(($(date +%s%N) + _lsecs * 1000000000))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s%N)" -lt "$_lend" ] || lab_fail "timed out after ${_lsecs}s waiting for: $_lwhat"
		sleep 0.1
	done
}

# lab_wait_not SECONDS WHAT CMD...: wait until CMD fails.
lab_wait_not() {
	_lsecs=$1 _lwhat=$2
	shift 2
	_lend=$(($(date +%s%N) + _lsecs * 1000000000))
	while :; do
		"$@" >/dev/null 2>&1 || return 0
		[ "$(date +%s%N)" -lt "$_lend" ] || lab_fail "timed out after ${_lsecs}s waiting for: $_lwhat"
		sleep 0.1
	done
}

# lab_bg NAME LOGNAME CMD...: start CMD in namespace NAME in the background, output to
# $LAB_DIR/LOGNAME.log; sets LAB_LASTPID.
lab_bg() {
	_ln=$1 _llog=$2
	shift 2
	ip netns exec "$LAB-$_ln" "$@" >"$LAB_DIR/$_llog.log" 2>&1 &
	LAB_LASTPID=$!
	LAB_PIDS="$LAB_PIDS $LAB_LASTPID"
}

# lab_stop PID: SIGTERM then, after up to 5 s, SIGKILL; returns the exit status.
lab_stop() {
	kill "$1" 2>/dev/null || return 0
	_li=0
	while kill -0 "$1" 2>/dev/null && [ $_li -lt 50 ]; do
		sleep 0.1
		_li=$((_li + 1))
	done
	kill -9 "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	return 0
}

# ---- FRR ----

# lab_frr_start NAME CONFIG: zebra + bgpd in NAME with CONFIG (frr.conf text).
lab_frr_start() {
	_ln=$1
	_ld=/run/frr/$LAB-$_ln
	mkdir -p "$_ld" "/etc/frr/$LAB-$_ln"
	: >"/etc/frr/$LAB-$_ln/vtysh.conf"
	printf 'hostname %s\nlog file %s/frr.log\n%s\n' "$_ln" "$_ld" "$2" >"$_ld/frr.conf"
	chown -R frr:frr "$_ld" "/etc/frr/$LAB-$_ln"
	LAB_FRR="$LAB_FRR $_ln"
	ip netns exec "$LAB-$_ln" /usr/lib/frr/zebra -d -N "$LAB-$_ln" -f "$_ld/frr.conf" \
		-u frr -g frr >"$LAB_DIR/zebra-$_ln.log" 2>&1 || lab_fail "zebra in $_ln"
	lab_wait 10 "zebra in $_ln" test -S "$_ld/zserv.api"
	ip netns exec "$LAB-$_ln" /usr/lib/frr/bgpd -d -N "$LAB-$_ln" -f "$_ld/frr.conf" \
		-u frr -g frr >"$LAB_DIR/bgpd-$_ln.log" 2>&1 || lab_fail "bgpd in $_ln"
	lab_wait 10 "bgpd in $_ln" test -S "$_ld/bgpd.vty"
}

# lab_frr_stop NAME: stop bgpd and zebra (by their pid files) and remove their files.
lab_frr_stop() {
	_ld=/run/frr/$LAB-$1
	[ -n "$LAB_DIR" ] && [ -f "$_ld/frr.log" ] && cp "$_ld/frr.log" "$LAB_DIR/frr-$1.log" 2>/dev/null
	for _ldm in bgpd zebra; do
		[ -f "$_ld/$_ldm.pid" ] && lab_stop "$(cat "$_ld/$_ldm.pid")"
	done
	rm -rf "$_ld" "/etc/frr/$LAB-$1"
	return 0
}

# lab_frr_bgpd_pid NAME: the pid of bgpd in NAME (to freeze it with SIGSTOP).
lab_frr_bgpd_pid() {
	cat "/run/frr/$LAB-$1/bgpd.pid"
}

# lab_vtysh NAME CMD...: run vtysh commands in NAME's FRR.
lab_vtysh() {
	_ln=$1
	shift
	_largs=
	for _lc in "$@"; do _largs="$_largs -c \"$_lc\""; done
	eval vtysh -N "$LAB-$_ln" $_largs
}

# lab_json_eval NAME VTYCMD PYEXPR: evaluate the Python expression PYEXPR with `j` bound
# to the JSON FRR prints for VTYCMD; succeeds when the value is truthy, prints it.
lab_json_eval() {
	vtysh -N "$LAB-$1" -c "$2" 2>/dev/null | python3 -c '
import json, sys
try:
    j = json.load(sys.stdin)
    v = eval(sys.argv[1])
except Exception as e:
    print("error: %s" % e, file=sys.stderr); sys.exit(2)
print(json.dumps(v) if not isinstance(v, str) else v)
sys.exit(0 if v else 1)' "$3"
}

# lab_frr_peer_state NAME PEER: the BGP state of PEER as FRR sees it.
lab_frr_peer_state() {
	lab_json_eval "$1" "show bgp neighbors $2 json" "j['$2']['bgpState']"
}

lab_frr_established() {
	[ "$(lab_frr_peer_state "$1" "$2")" = Established ]
}

# lab_frr_has_route NAME AFI PREFIX: FRR has a best path for PREFIX (afi: ipv4|ipv6).
lab_frr_has_route() {
	lab_json_eval "$1" "show bgp $2 unicast $3 json" \
		"any(p.get('bestpath', {}).get('overall') for p in j.get('paths', []))"
}

# lab_frr_route NAME AFI PREFIX PYEXPR: evaluate PYEXPR with `p` = the best path of PREFIX.
lab_frr_route() {
	lab_json_eval "$1" "show bgp $2 unicast $3 json" \
		"[(lambda p: $4)(p) for p in j['paths'] if p.get('bestpath', {}).get('overall')][0]"
}

# lab_fib_has NAME PREFIX: the kernel FIB in NAME has a route for PREFIX.
lab_fib_has() {
	case "$2" in
	*:*) ip -n "$LAB-$1" -6 route show "$2" | grep -q . ;;
	*) ip -n "$LAB-$1" -4 route show "$2" | grep -q . ;;
	esac
}

# ---- BIRD 2 ----

lab_bird_start() {
	_ln=$1
	_ld=$LAB_DIR/bird-$_ln
	mkdir -p "$_ld"
	printf '%s\n' "$2" >"$_ld/bird.conf"
	LAB_BIRD="$LAB_BIRD $_ln"
	ip netns exec "$LAB-$_ln" bird -c "$_ld/bird.conf" -s "$_ld/bird.ctl" -P "$_ld/bird.pid" \
		>"$LAB_DIR/bird-$_ln.log" 2>&1 || lab_fail "bird in $_ln"
	lab_wait 10 "bird in $_ln" test -S "$_ld/bird.ctl"
}

lab_bird_stop() {
	_ld=$LAB_DIR/bird-$1
	[ -f "$_ld/bird.pid" ] && lab_stop "$(cat "$_ld/bird.pid")"
}

lab_birdc() {
	_ln=$1
	shift
	birdc -s "$LAB_DIR/bird-$_ln/bird.ctl" "$@"
}

# ---- pharos ----

# lab_pharosd NAME CONFIGTEXT [ARGS...]: write NAME's pharosd.ini and start pharosd in the
# background; sets LAB_LASTPID. The config's state_dir and control_socket default to
# $LAB_DIR/NAME/.
lab_pharosd() {
	_ln=$1 _lconf=$2
	shift 2
	mkdir -p "$LAB_DIR/$_ln"
	printf '%s\n' "$_lconf" >"$LAB_DIR/$_ln/pharosd.ini"
	lab_bg "$_ln" "pharosd-$_ln" ${PHAROSD_WRAPPER:-} "$BUILD/pharosd" -d \
		-c "$LAB_DIR/$_ln/pharosd.ini" "$@"
}

# lab_route_monitor NAME: start `ip -ts monitor route` in NAME into $LAB_DIR/route-NAME.log.
lab_route_monitor() {
	lab_bg "$1" "route-$1" ip -ts monitor route
}

# lab_now: seconds since the epoch with microseconds (the format `ip -ts` compares with).
lab_now() {
	date +%s.%6N
}

# lab_tool NAME TOOL CMDLINE: start a test tool (bgp_speaker, bgp_flood, ...) in namespace
# NAME, reading command lines from the fifo $LAB_DIR/TOOL.ctl, answering into
# $LAB_DIR/TOOL.out, logging into $LAB_DIR/TOOL.log; sets LAB_LASTPID.
lab_tool() {
	_ln=$1 _lt=$2
	shift 2
	mkfifo "$LAB_DIR/$_lt.ctl"
	lab_bg "$_ln" "$_lt" sh -c "exec $* <>$LAB_DIR/$_lt.ctl >$LAB_DIR/$_lt.out"
}

# lab_tool_cmd TOOL LINE: send one command line; bounded, so a dead tool cannot hang.
lab_tool_cmd() {
	timeout 5 sh -c 'echo "$1" >"$2"' _ "$2" "$LAB_DIR/$1.ctl" ||
		lab_fail "tool $1 does not read its commands"
}

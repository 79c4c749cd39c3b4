#!/bin/sh
# demo.sh: `make demo`. Brings up the anycast lab (FRR router, two PoPs each running
# pharos-dnsd and pharosd, a client), shows which PoP answers, kills the responder in that
# PoP, and measures how long the withdrawal takes to leave the router's FIB and the client
# to be answered by the other PoP; then restores it. KEEP=1 leaves the lab up.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
. "$here/anycast.sh"

say() { printf '\n==> %s\n' "$*"; }
show() { printf '    %s\n' "$@"; }

# ts_of LINE: the epoch seconds of an `ip -ts monitor` line ("[2026-...T..:..:...us] ...").
ts_of() {
	date -d "$(printf '%s' "$1" | sed -n 's/^\[\([^]]*\)\].*/\1/p')" +%s.%6N
}

answered_by() { [ "$(anycast_who_port "$port")" = "$1" ]; }

lab_init
if [ -n "${KEEP:-}" ]; then
	trap - EXIT
	trap 'rc=$?; [ $rc = 0 ] || lab_cleanup' EXIT
fi
port=53530

say "building the lab: $ANYCAST_ROUTER router (AS 64500), two PoPs (AS 64501), one client"
show "every PoP puts $ANYCAST4 and $ANYCAST6 on lo and runs pharos-dnsd on them;" \
	"pharosd probes it (dns SOA $ANYCAST_ZONE every $ANYCAST_INTERVAL, rise $ANYCAST_RISE," \
	"fall $ANYCAST_FALL) and announces the /32 and /128 to the router while it answers"
anycast_up 2
say "the router's FIB has $(anycast_paths) paths for $ANYCAST4/32 (ECMP):"
lab_exec r ip route show "$ANYCAST4" | sed 's/^/    /'

who=$(anycast_who_port $port)
say "the client (source port $port) is answered by PoP: $who  (dig +nsid)"
lab_exec c kdig +time=1 +retry=0 +nsid -b "198.51.100.2#$port" "@$ANYCAST4" \
	"$ANYCAST_ZONE" SOA | grep -E 'NSID|SOA' | grep -v '^;;.*QUESTION' | sed 's/^/    /'
[ "$who" = p1 ] || [ "$who" = p2 ] || lab_fail "no PoP answered the client"
other=p1
[ "$who" = p1 ] && other=p2

# The client asks 20 times a second from the same port while we break its PoP.
lab_bg c queries sh -c "i=0; while [ \$i -lt 400 ]; do
	kdig +time=1 +retry=0 +nsid -b 198.51.100.2#$port @$ANYCAST4 $ANYCAST_ZONE SOA 2>&1 |
		sed -n 's/.*NSID: .*\"\\(p[0-9]*\\)\".*/\\1/p' | grep . || echo FAILED; i=\$((i+1)); sleep 0.05; done"
qpid=$LAB_LASTPID
lab_route_monitor r
sleep 0.5

say "stopping pharos-dnsd in $who (kill -TERM): the PoP is now sick"
t0=$(lab_now)
anycast_dnsd_stop "${who#p}"
lab_wait 10 "the route via $who leaves FRR's FIB" sh -c \
	"! ip -n $LAB-r route show $ANYCAST4 | grep -q 'to-$who'"
line=$(grep -F "$ANYCAST4" "$LAB_DIR/route-r.log" | tail -1)
t1=$(ts_of "$line")
ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')
say "withdrawal reached the router's kernel FIB ${ms} ms after the responder died"
lab_exec r ip route show "$ANYCAST4" | sed 's/^/    /'
lab_wait 5 "client answered by $other" answered_by "$other"
now=$(anycast_who_port $port)
say "the client is now answered by PoP: $now"
[ "$now" = "$other" ] || lab_fail "the client is answered by '$now', expected $other"
grep -E 'probe dns: up -> down|service dns' "$LAB_DIR/pharosd-$who.log" | tail -3 | sed 's/^/    /'

say "starting pharos-dnsd in $who again"
anycast_dnsd_start "${who#p}"
lab_wait 15 "both paths back" anycast_paths_are 2
say "after $ANYCAST_RISE good probes, $who announces again: the FIB has $(anycast_paths) paths"
sleep 0.5
kill "$qpid" 2>/dev/null || true
failed=$(grep -c FAILED "$LAB_DIR/queries.log" || true)
total=$(grep -c . "$LAB_DIR/queries.log" || true)
say "client queries during the demo: $total sent at 20/s, $failed unanswered"
show "(those fall inside the detection window: fall x interval = $ANYCAST_FALL x $ANYCAST_INTERVAL)"

if [ -n "${KEEP:-}" ]; then
	say "the lab stays up (KEEP=1). Try:"
	for p in p1 p2; do
		show "ip netns exec $LAB-$p $BUILD/pharosctl -s $LAB_DIR/$p/pharosd.sock status"
	done
	if [ "$ANYCAST_ROUTER" = bird ]; then
		show "birdc -s $LAB_DIR/bird-r/bird.ctl show route for $ANYCAST4 all"
	else
		show "vtysh -N $LAB-r -c 'show bgp ipv4 unicast $ANYCAST4/32'"
	fi
	show "ip netns exec $LAB-c kdig +nsid @$ANYCAST4 $ANYCAST_ZONE SOA"
	show "tear it down with: sh tests/lab/down.sh $LAB"
	printf '%s\n' "$LAB_PIDS" >"$LAB_DIR/pids"
	exit 0
fi
say "tearing the lab down"

#!/bin/sh
# t_agent_addresses: pharosd puts its services' host prefixes on the interface, puts back
# one deleted by hand, removes what it added on SIGTERM, adopts and keeps an address that
# was already there, and after SIGKILL + restart neither duplicates nor strands addresses.
set -eu
. "$(dirname "$0")/../lab/lab.sh"
lab_init
lab_ns p
st=$LAB_DIR/p/state
conf() {
	cat <<EOC
[agent]
asn = 64501
router_id = 192.0.2.2
interface = lo
state_dir = $st
control_socket = $LAB_DIR/p/pharosd.sock
drain_time = 0

[service:dns]
prefixes = 203.0.113.53/32, 2001:db8:53::1/128, 198.51.100.0/24$1
on_change = /bin/sh -c 'echo "\$SERVICE \$STATE \$REASON" >>$LAB_DIR/changes'
EOC
}
has() { ip -n "$LAB-p" -o addr show dev lo | grep -q " $1 "; }
count() { ip -n "$LAB-p" -o addr show dev lo | grep -c " $1 " || true; }

# An address that was already there before pharosd: adopted, never removed.
ip -n "$LAB-p" addr add 203.0.113.99/32 dev lo
lab_pharosd p "$(conf ', 203.0.113.99/32')"
pid=$LAB_LASTPID
lab_wait 5 "IPv4 address added" has 203.0.113.53/32
lab_wait 5 "IPv6 address added" has 2001:db8:53::1/128
ip -n "$LAB-p" -6 -o addr show dev lo | grep 2001:db8:53::1 | grep -q nodad ||
	lab_fail "IPv6 address without nodad"
! ip -n "$LAB-p" route show table all | grep -q '198.51.100.0/24' ||
	lab_fail "a non-host prefix must not be put on the interface"
echo "ok 1 - addresses added (IPv6 nodad; non-host prefix announced only)"
lab_wait 5 "on_change ran for up" grep -q '^dns up ' "$LAB_DIR/changes"

ip -n "$LAB-p" addr del 203.0.113.53/32 dev lo
lab_wait 5 "deleted address restored" has 203.0.113.53/32
grep -q 'removed from lo externally, restoring' "$LAB_DIR/pharosd-p.log" ||
	lab_fail "restoration not logged"
echo "ok 2 - an address deleted by hand is put back"

# SIGKILL, then start again: nothing duplicated, nothing stranded.
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
has 203.0.113.53/32 || lab_fail "address gone after SIGKILL (the kernel keeps it)"
lab_pharosd p "$(conf ', 203.0.113.99/32')"
pid=$LAB_LASTPID
lab_wait 5 "restarted" grep -q 'started:' "$LAB_DIR/pharosd-p.log"
[ "$(count 203.0.113.53/32)" = 1 ] || lab_fail "duplicate address after restart"
echo "ok 3 - restart after SIGKILL: no duplicates"

# Reload without a prefix: its owned address is removed; the adopted one stays.
conf '' >"$LAB_DIR/p/pharosd.ini"
sed -i 's|2001:db8:53::1/128, ||' "$LAB_DIR/p/pharosd.ini"
kill -HUP "$pid"
lab_wait_not 5 "dropped prefix removed on reload" has 2001:db8:53::1/128
has 203.0.113.99/32 || lab_fail "adopted address removed on reload"
echo "ok 4 - reload removes the owned address of a dropped prefix"

# SIGTERM: owned addresses removed, adopted one kept, exit status 0.
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[ $rc = 0 ] || lab_fail "pharosd exited with $rc on SIGTERM"
! has 203.0.113.53/32 || lab_fail "owned address left after SIGTERM"
has 203.0.113.99/32 || lab_fail "adopted address removed on SIGTERM"
echo "ok 5 - SIGTERM removes owned addresses, keeps adopted ones, exits 0"
grep -q '^dns drained shutting down' "$LAB_DIR/changes" ||
	lab_fail "on_change did not run on shutdown: $(cat "$LAB_DIR/changes")"
echo "ok 6 - on_change ran with SERVICE, STATE and REASON"

# A configuration with mistakes: pharosd refuses to start, with file:line messages.
printf '[agent]\nasn = 0\nbogus = 1\n' >"$LAB_DIR/bad.ini"
rc=0
lab_exec p "$BUILD/pharosd" -c "$LAB_DIR/bad.ini" 2>"$LAB_DIR/bad.err" || rc=$?
[ $rc = 1 ] || lab_fail "bad config: exit $rc"
grep -q "bad.ini:2: \[agent\] asn" "$LAB_DIR/bad.err" || lab_fail "no file:line for asn"
grep -q "bad.ini:3: \[agent\] bogus" "$LAB_DIR/bad.err" || lab_fail "no file:line for bogus"
echo "ok 7 - a broken configuration is refused with file:line errors"

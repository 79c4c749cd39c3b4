#!/bin/sh
# t_agent_frr: pharosd with real FRR and real pharos-dnsd (two PoPs, ECMP):
# a sick responder withdraws and a healed one re-announces; down_action = announce;
# drain through drain_file (GRACEFUL_SHUTDOWN first, then withdrawal) and back; reload
# (unchanged: no UPDATE at all; invalid: nothing changes; new and removed service; changed
# peer reset alone); SIGTERM under client load with zero failed queries.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lab/lab.sh"
. "$here/../lab/anycast.sh"
lab_init

ANYCAST_V6_PEERS=1
ANYCAST_EXTRA_SERVICE="drain_file = $LAB_DIR/drain-@POP@
down_action = announce
down_med = 500
down_as_path_prepend = 3
down_communities = 64501:666"
anycast_up 2
lab_wait 10 "IPv6 sessions up" lab_frr_established r 2001:db8:1::2
lab_wait 10 "IPv6 sessions up" lab_frr_established r 2001:db8:2::2
path_is() { [ "$(anycast_path_of "$1" "$2")" = "$3" ]; }
lab_wait 10 "p1 announced normally" path_is 1 "p['community']['string']" "64501:53"
echo "ok 1 - both PoPs announce over IPv4 and IPv6 sessions"

# 1. The responder dies: with down_action = announce FRR sees the last-resort attributes.
anycast_dnsd_stop 1
lab_wait 5 "p1 last-resort attributes" path_is 1 \
	"'%s|%s|%s' % (p['aspath']['string'], p.get('metric'), p['community']['string'])" \
	"64501 64501 64501 64501|500|64501:666"
# FRR prefers p2 now (shorter AS path): only one path in the FIB.
lab_wait 5 "FIB only via p2" sh -c "! ip -n $LAB-r route show $ANYCAST4 | grep -q to-p1"
anycast_dnsd_start 1
lab_wait 5 "p1 back to normal attributes" path_is 1 \
	"'%s|%s' % (p['aspath']['string'], p['community']['string'])" "64501|64501:53"
echo "ok 2 - down_action = announce: last-resort attributes, then normal again"

# 2. Without down_action = announce: withdrawn, and back after rise.
sed -i 's/^down_action = announce/down_action = withdraw/; /^down_/d' "$LAB_DIR/p1/pharosd.ini"
kill -HUP "$ANYCAST_PHAROSD_1"
lab_wait 5 "reload applied" grep -q 'reloaded' "$LAB_DIR/pharosd-p1.log"
anycast_dnsd_stop 1
lab_wait_not 5 "p1 withdrawn" anycast_has_path 1
anycast_dnsd_start 1
lab_wait 5 "p1 re-announced" anycast_has_path 1
echo "ok 3 - responder down: withdrawn; up again after rise: re-announced"

# 3. Drain through the drain file: GRACEFUL_SHUTDOWN first, then the withdrawal.
touch "$LAB_DIR/drain-p1"
lab_wait 5 "p1 announced with graceful-shutdown" path_is 1 \
	"'graceful-shutdown' in p['community']['string'] or '65535:0' in p['community']['string']" true
lab_wait_not 5 "p1 withdrawn after drain_time" anycast_has_path 1
rm -f "$LAB_DIR/drain-p1"
lab_wait 5 "p1 re-announced after undrain" anycast_has_path 1
echo "ok 4 - drain file: 65535:0 first, then withdrawal; removed: re-announced"

# 4. Reload with nothing changed: FRR receives no UPDATE at all.
before=$(anycast_updates_from 2)
kill -HUP "$ANYCAST_PHAROSD_2"
lab_wait 5 "p2 reloaded" grep -q 'reloaded' "$LAB_DIR/pharosd-p2.log"
sleep 1
after=$(anycast_updates_from 2)
[ "$before" = "$after" ] || lab_fail "unchanged reload sent UPDATEs ($before -> $after)"
echo "ok 5 - unchanged reload: no UPDATE ($after received before and after)"

# 5. An invalid file: errors logged, nothing changes.
cp "$LAB_DIR/p2/pharosd.ini" "$LAB_DIR/p2/good.ini"
printf '\n[service:broken]\nprefixes = 203.0.113.300/32\n' >>"$LAB_DIR/p2/pharosd.ini"
kill -HUP "$ANYCAST_PHAROSD_2"
lab_wait 5 "invalid reload logged" grep -q 'keeping the running configuration' \
	"$LAB_DIR/pharosd-p2.log"
grep -q 'pharosd.ini:[0-9]*: \[service:broken\] prefixes' "$LAB_DIR/pharosd-p2.log" ||
	lab_fail "the error was not logged with file:line"
kill -0 "$ANYCAST_PHAROSD_2" || lab_fail "pharosd died on an invalid reload"
anycast_has_path 2 || lab_fail "route lost on an invalid reload"
[ "$(anycast_updates_from 2)" = "$after" ] || lab_fail "invalid reload sent UPDATEs"
echo "ok 6 - invalid reload: logged with file:line, nothing changed"

# 6. A new service starts down, then announces; removing it withdraws it and its address.
cp "$LAB_DIR/p2/good.ini" "$LAB_DIR/p2/pharosd.ini"
cat >>"$LAB_DIR/p2/pharosd.ini" <<EOF

[service:extra]
prefixes = 203.0.113.54/32
probes = dns
EOF
kill -HUP "$ANYCAST_PHAROSD_2"
lab_wait 5 "new service announced" lab_frr_has_route r ipv4 203.0.113.54/32
ip -n "$LAB-p2" -o addr show dev lo | grep -q ' 203.0.113.54/32 ' || lab_fail "no address"
cp "$LAB_DIR/p2/good.ini" "$LAB_DIR/p2/pharosd.ini"
kill -HUP "$ANYCAST_PHAROSD_2"
lab_wait_not 5 "removed service withdrawn" lab_frr_has_route r ipv4 203.0.113.54/32
lab_wait_not 5 "removed service's address gone" \
	sh -c "ip -n $LAB-p2 -o addr show dev lo | grep -q ' 203.0.113.54/32 '"
anycast_has_path 2 || lab_fail "the unchanged service lost its route"
echo "ok 7 - added service announced after rise; removed one withdrawn, address removed"

# 7. A changed peer is reset alone: the IPv6 session restarts, the IPv4 one does not.
est4=$(lab_json_eval r "show bgp neighbors 192.0.2.34 json" "str(j['192.0.2.34']['connectionsEstablished'])")
est6=$(lab_json_eval r "show bgp neighbors 2001:db8:2::2 json" "str(j['2001:db8:2::2']['connectionsEstablished'])")
sed -i '/^\[peer:upstream6\]/,/^$/s/^hold_time = 9s/hold_time = 6s/' "$LAB_DIR/p2/pharosd.ini"
kill -HUP "$ANYCAST_PHAROSD_2"
lab_wait 10 "IPv6 session re-established" lab_json_eval r "show bgp neighbors 2001:db8:2::2 json" \
	"j['2001:db8:2::2']['connectionsEstablished'] > $est6 and j['2001:db8:2::2']['bgpState'] == 'Established'"
[ "$(lab_json_eval r "show bgp neighbors 192.0.2.34 json" "str(j['192.0.2.34']['connectionsEstablished'])")" = "$est4" ] ||
	lab_fail "the unchanged IPv4 session was reset"
echo "ok 8 - changed peer reset alone"

# 8. The interface goes down: nothing can be delivered, so everything is withdrawn.
ip -n "$LAB-p2" link set lo down
lab_wait_not 5 "p2 withdrawn with its interface down" anycast_has_path 2
grep -q 'interface lo is down or gone: withdrawing every service' "$LAB_DIR/pharosd-p2.log" ||
	lab_fail "link down not acted on"
ip -n "$LAB-p2" link set lo up
lab_wait 10 "p2 back with its interface" anycast_has_path 2
echo "ok 9 - interface down: withdrawn at once; up: announced again"

# 9. SIGTERM under load: the client asks 50 times a second; not one query fails.
cat >"$LAB_DIR/load.py" <<'EOF'
import random, socket, struct, sys, time
end = time.time() + float(sys.argv[2]); sent = failed = 0; who = {}
q = lambda i: struct.pack(">HHHHHH", i, 0, 1, 0, 0, 1) + b"\x07example\x03net\x00\x00\x06\x00\x01" + \
    b"\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x04\x00\x03\x00\x00"
while time.time() < end:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1.0)
    i = random.randrange(65536); sent += 1
    try:
        s.sendto(q(i), (sys.argv[1], 53)); d = s.recv(4096)
        n = d.find(b"\x00\x03\x00\x02"); k = d[n + 4:n + 6].decode() if n > 0 else "?"
        who[k] = who.get(k, 0) + 1
    except OSError:
        failed += 1
    s.close(); time.sleep(0.02)
print("sent=%d failed=%d %s" % (sent, failed, " ".join("%s=%d" % kv for kv in sorted(who.items()))))
EOF
lab_bg c load python3 "$LAB_DIR/load.py" "$ANYCAST4" 6
lpid=$LAB_LASTPID
sleep 1
kill -TERM "$ANYCAST_PHAROSD_1"
rc=0
wait "$ANYCAST_PHAROSD_1" || rc=$?
[ $rc = 0 ] || lab_fail "pharosd exited $rc on SIGTERM"
wait "$lpid" || true
cat "$LAB_DIR/load.log"
grep -q 'failed=0 ' "$LAB_DIR/load.log" || lab_fail "queries failed during SIGTERM"
grep -q 'p1=' "$LAB_DIR/load.log" || lab_fail "p1 never answered: the load did not exercise it"
grep -q 'received notification 6/2.*pharosd shutting down' "$LAB_DIR/frr-r.log" 2>/dev/null ||
	grep -q 'pharosd shutting down' "/run/frr/$LAB-r/frr.log" || lab_fail "no Cease seen by FRR"
echo "ok 10 - SIGTERM under load: drained, withdrawn, Cease; zero failed queries"

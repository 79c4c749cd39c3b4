#!/bin/sh
# t_privdrop: started as root with [agent] user, pharosd hands its directories to the user,
# switches to it keeping only CAP_NET_ADMIN and CAP_NET_BIND_SERVICE, and still puts back
# an address deleted by hand and removes its addresses on SIGTERM. pharos-dnsd with
# `user` keeps no capability at all after binding port 53.
set -eu
. "$(dirname "$0")/../lab/lab.sh"
lab_init
lab_ns pd
user=nobody
uid=$(id -u "$user")
d=$LAB_DIR/pd
mkdir -p "$d"
conf="[agent]
asn = 64501
router_id = 192.0.2.2
interface = lo
state_dir = $d/pharos-state
control_socket = $d/pharos-run/pharosd.sock
drain_time = 0
user = $user

[peer:r]
address = 192.0.2.1
asn = 64500
passive = yes

[service:dns]
prefixes = 203.0.113.53/32, 2001:db8:53::1/128"
has() { ip -n "$LAB-pd" -o addr show dev lo | grep -q " $1 "; }
status() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

lab_pharosd pd "$conf"
pid=$LAB_LASTPID
lab_wait 5 "pharosd switched user" grep -q "running as $user" "$LAB_DIR/pharosd-pd.log"
has 203.0.113.53/32 || lab_fail "address not added"
[ "$(status "$pid" Uid)" = "$uid" ] || lab_fail "uid is $(status "$pid" Uid), not $uid"
[ "$(status "$pid" NoNewPrivs)" = 1 ] || lab_fail "no_new_privs not set"
# CAP_NET_ADMIN (12) and CAP_NET_BIND_SERVICE (10), nothing else, nothing to inherit.
[ "$(status "$pid" CapEff)" = 0000000000001400 ] ||
	lab_fail "CapEff $(status "$pid" CapEff), want 0000000000001400"
[ "$(status "$pid" CapPrm)" = 0000000000001400 ] || lab_fail "CapPrm $(status "$pid" CapPrm)"
[ "$(status "$pid" CapAmb)" = 0000000000000000 ] || lab_fail "CapAmb $(status "$pid" CapAmb)"
[ "$(stat -c %U "$d/pharos-state")" = "$user" ] || lab_fail "state_dir not handed over"
lab_exec pd ss -Hltn | grep -q ':179 ' || lab_fail "passive peer's listener not on 179"
echo "ok 1 - pharosd runs as $user with CapEff net_admin+net_bind_service only"

ip -n "$LAB-pd" addr del 203.0.113.53/32 dev lo
lab_wait 5 "deleted address restored as $user" has 203.0.113.53/32
echo "ok 2 - an address deleted by hand is put back after the drop"

lab_stop "$pid"
! has 203.0.113.53/32 || lab_fail "address left on lo after SIGTERM"
! has 2001:db8:53::1/128 || lab_fail "IPv6 address left on lo after SIGTERM"
echo "ok 3 - SIGTERM removes the addresses after the drop"

# pharos-dnsd: binds 53 as root, then keeps nothing.
cat >"$d/example.zone" <<EOZ
\$ORIGIN example.com.
\$TTL 300
@ IN SOA ns1 hostmaster 1 3600 600 86400 300
@ IN NS ns1
ns1 IN A 203.0.113.53
EOZ
chmod 644 "$d/example.zone"
printf '[dnsd]\nlisten = 127.0.0.1:53\nthreads = 1\nuser = %s\n[zone:example.com]\nfile = %s\n' \
	"$user" "$d/example.zone" >"$d/dnsd.ini"
lab_bg pd dnsd "$BUILD/pharos-dnsd" -c "$d/dnsd.ini"
dpid=$LAB_LASTPID
lab_wait 5 "pharos-dnsd switched user" grep -q "running as $user" "$LAB_DIR/dnsd.log"
[ "$(status "$dpid" Uid)" = "$uid" ] || lab_fail "pharos-dnsd uid $(status "$dpid" Uid)"
for c in CapEff CapPrm CapAmb; do
	[ "$(status "$dpid" $c)" = 0000000000000000 ] ||
		lab_fail "pharos-dnsd $c $(status "$dpid" $c), want none"
done
lab_wait 5 "pharos-dnsd answers" sh -c \
	"ip netns exec $LAB-pd kdig +short @127.0.0.1 ns1.example.com A | grep -q 203.0.113.53"
lab_stop "$dpid"
echo "ok 4 - pharos-dnsd answers on port 53 as $user with no capability"

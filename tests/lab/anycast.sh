# anycast.sh: the full anycast lab on top of lab.sh (source lab.sh first).
#
#             client c (198.51.100.2, 2001:db8:100::2)
#                 |
#             router r: FRR, AS 64500, ECMP over the PoPs
#            /        \
#   PoP p1 (AS 64501)   PoP p2 (AS 64501)   ... each: pharos-dnsd + pharosd
#   192.0.2.18/28       192.0.2.34/28
#   2001:db8:1::2/64    2001:db8:2::2/64
#
# Every PoP serves the same anycast addresses, 203.0.113.53 and 2001:db8:53::53, with
# zone example.net; its NSID and id.server answer name the PoP ("p1", "p2", ...).
#
#   anycast_up N [PROBE_INTERVAL] [RISE] [FALL]
#   anycast_pharosd_conf K        # print PoP K's pharosd.ini (override ANYCAST_EXTRA_*)
#   anycast_dnsd_start K / anycast_dnsd_stop K
#   anycast_query [dig args]      # from the client
#   anycast_paths                 # how many paths the router has for the IPv4 anycast prefix
#
# ANYCAST_ROUTER=bird runs BIRD 2 as the router instead of FRR (kernel ECMP through
# "merge paths"); the FRR-only helpers (anycast_path_of, anycast_updates_from) need FRR.

ANYCAST4=203.0.113.53
ANYCAST6=2001:db8:53::53
ANYCAST_ZONE=example.net
ANYCAST_POPS=
: "${ANYCAST_INTERVAL:=200ms}"
: "${ANYCAST_TIMEOUT:=150ms}"
: "${ANYCAST_RISE:=2}"
: "${ANYCAST_FALL:=2}"
: "${ANYCAST_DRAIN_TIME:=1s}"
: "${ANYCAST_EXTRA_AGENT:=}"
: "${ANYCAST_EXTRA_SERVICE:=}"
: "${ANYCAST_ROUTER:=frr}"
: "${ANYCAST_V6_PEERS:=}" # set: an IPv6 session per PoP too (IPv4 routes on the IPv4 one)

anycast_router_conf() {
	acn=$1
	# FRR 8.4's zebra loses an ECMP member for good when a link flaps while it uses
	# kernel nexthop objects (the FIB then disagrees with its RIB): install plain routes.
	printf 'no zebra nexthop kernel enable\n'
	printf 'ip forwarding\nipv6 forwarding\nrouter bgp 64500\n bgp router-id 198.51.100.1\n'
	printf ' no bgp ebgp-requires-policy\n bgp log-neighbor-changes\n'
	printf ' bgp bestpath as-path multipath-relax\n'
	ack=1
	while [ $ack -le "$acn" ]; do
		printf ' neighbor 192.0.2.%d remote-as 64501\n' $((16 * ack + 2))
		printf ' neighbor 192.0.2.%d timers 3 9\n' $((16 * ack + 2))
		printf ' neighbor 192.0.2.%d timers connect 1\n' $((16 * ack + 2))
		ack=$((ack + 1))
	done
	ack=1
	while [ -n "$ANYCAST_V6_PEERS" ] && [ $ack -le "$acn" ]; do
		printf ' neighbor 2001:db8:%d::2 remote-as 64501\n' $ack
		printf ' neighbor 2001:db8:%d::2 timers 3 9\n' $ack
		printf ' neighbor 2001:db8:%d::2 timers connect 1\n' $ack
		ack=$((ack + 1))
	done
	printf ' address-family ipv4 unicast\n  maximum-paths 8\n'
	ack=1
	while [ -n "$ANYCAST_V6_PEERS" ] && [ $ack -le "$acn" ]; do
		printf '  no neighbor 2001:db8:%d::2 activate\n' $ack
		ack=$((ack + 1))
	done
	printf ' exit-address-family\n address-family ipv6 unicast\n  maximum-paths 8\n'
	ack=1
	while [ $ack -le "$acn" ]; do
		if [ -n "$ANYCAST_V6_PEERS" ]; then
			printf '  neighbor 2001:db8:%d::2 activate\n' $ack
		else
			printf '  neighbor 192.0.2.%d activate\n' $((16 * ack + 2))
		fi
		ack=$((ack + 1))
	done
	printf ' exit-address-family\n'
}

anycast_bird_conf() {
	acn=$1
	cat <<EOB
router id 198.51.100.1;
protocol device {}
protocol kernel k4 { ipv4 { export all; }; merge paths on; }
protocol kernel k6 { ipv6 { export all; }; merge paths on; }
template bgp pop {
  local as 64500;
  hold time 9; connect retry time 1; error wait time 1, 10;
  ipv4 { import all; export none; };
  ipv6 { import all; export none; };
}
EOB
	ack=1
	while [ $ack -le "$acn" ]; do
		printf 'protocol bgp p%d from pop { neighbor 192.0.2.%d as 64501; }\n' \
			$ack $((16 * ack + 2))
		ack=$((ack + 1))
	done
}

# anycast_router_up K: the session with PoP K is established at the router.
anycast_router_up() {
	if [ "$ANYCAST_ROUTER" = bird ]; then
		lab_birdc r show protocols "p$1" | grep -q Established
	else
		lab_frr_established r "192.0.2.$((16 * $1 + 2))"
	fi
}

anycast_v6_peer_conf() {
	[ -n "$ANYCAST_V6_PEERS" ] || return 0
	cat <<EOC

[peer:upstream6]
address = 2001:db8:$1::1
asn = 64500
hold_time = 9s
connect_retry = 1s
families = ipv6
EOC
}

anycast_zone() {
	cat <<EOZ
\$ORIGIN $ANYCAST_ZONE.
\$TTL 300
@	SOA ns1 hostmaster 2026113001 3600 600 86400 60
	NS ns1
ns1	A $ANYCAST4
	AAAA $ANYCAST6
www	A 198.51.100.80
	AAAA 2001:db8:100::80
EOZ
}

# anycast_pharosd_conf K: PoP K's pharosd.ini ("@POP@" in the extras becomes "pK").
anycast_pharosd_conf() {
	_anycast_pharosd_conf "$1" | sed "s/@POP@/p$1/g"
}

_anycast_pharosd_conf() {
	ack=$1
	acfam="ipv4, ipv6"
	[ -z "$ANYCAST_V6_PEERS" ] || acfam=ipv4
	cat <<EOC
[agent]
asn = 64501
router_id = 192.0.2.$((16 * ack + 2))
interface = lo
state_dir = $LAB_DIR/p$ack/state
control_socket = $LAB_DIR/p$ack/pharosd.sock
drain_time = $ANYCAST_DRAIN_TIME
$ANYCAST_EXTRA_AGENT

[peer:upstream]
address = 192.0.2.$((16 * ack + 1))
asn = 64500
hold_time = 9s
connect_retry = 1s
families = $acfam
$(anycast_v6_peer_conf "$ack")

[probe:dns]
type = dns
server = $ANYCAST4
qname = $ANYCAST_ZONE
qtype = SOA
interval = $ANYCAST_INTERVAL
timeout = $ANYCAST_TIMEOUT
rise = $ANYCAST_RISE
fall = $ANYCAST_FALL

[service:dns]
prefixes = $ANYCAST4/32, $ANYCAST6/128
probes = dns
communities = 64501:53
$ANYCAST_EXTRA_SERVICE
EOC
}

anycast_dnsd_start() {
	ack=$1
	lab_bg "p$ack" "dnsd-p$ack" "$BUILD/pharos-dnsd" -l "$ANYCAST4" -l "$ANYCAST6" \
		-z "$ANYCAST_ZONE=$LAB_DIR/p$ack/zone" --nsid "p$ack" --identity "p$ack"
	eval "ANYCAST_DNSD_$ack=\$LAB_LASTPID"
	lab_wait 5 "pharos-dnsd in p$ack answers" \
		lab_exec "p$ack" kdig +time=1 +retry=0 "@$ANYCAST4" "$ANYCAST_ZONE" SOA +short
}

anycast_dnsd_stop() {
	eval "pid=\$ANYCAST_DNSD_$1"
	lab_stop "$pid"
}

# anycast_up N: router, client and N PoPs, each announcing once its probe has risen.
anycast_up() {
	acn=$1
	lab_ns r
	lab_ns c
	lab_link r c 198.51.100.1/24,2001:db8:100::1/64 198.51.100.2/24,2001:db8:100::2/64
	lab_exec c ip route add default via 198.51.100.1
	lab_exec c ip -6 route add default via 2001:db8:100::1
	# Spread flows over the ECMP paths by port too, so the demo shows both PoPs.
	lab_exec r sysctl -qw net.ipv4.fib_multipath_hash_policy=1 \
		net.ipv6.fib_multipath_hash_policy=1 >/dev/null
	ack=1
	while [ $ack -le "$acn" ]; do
		lab_ns "p$ack"
		lab_link r "p$ack" "192.0.2.$((16 * ack + 1))/28,2001:db8:$ack::1/64" \
			"192.0.2.$((16 * ack + 2))/28,2001:db8:$ack::2/64"
		lab_exec "p$ack" ip route add default via "192.0.2.$((16 * ack + 1))"
		lab_exec "p$ack" ip -6 route add default via "2001:db8:$ack::1"
		mkdir -p "$LAB_DIR/p$ack"
		anycast_zone >"$LAB_DIR/p$ack/zone"
		ANYCAST_POPS="$ANYCAST_POPS $ack"
		ack=$((ack + 1))
	done
	if [ "$ANYCAST_ROUTER" = bird ]; then
		lab_bird_start r "$(anycast_bird_conf "$acn")"
	else
		lab_frr_start r "$(anycast_router_conf "$acn")"
	fi
	for ack in $ANYCAST_POPS; do
		# pharosd first: it puts the anycast addresses on lo, then the responder binds.
		lab_pharosd "p$ack" "$(anycast_pharosd_conf "$ack")"
		eval "ANYCAST_PHAROSD_$ack=\$LAB_LASTPID"
		lab_wait 20 "anycast address on p$ack" \
			sh -c "ip -n $LAB-p$ack -o addr show dev lo | grep -q ' $ANYCAST4/32 '"
		anycast_dnsd_start "$ack"
	done
	for ack in $ANYCAST_POPS; do
		lab_wait 30 "p$ack established" anycast_router_up "$ack"
	done
	lab_wait 30 "the router has all $acn paths" anycast_paths_are "$acn"
}

# anycast_paths: the number of paths the router's kernel FIB has for the IPv4 anycast
# prefix (ECMP next hops).
anycast_paths() {
	ip -n "$LAB-r" route show "$ANYCAST4" | grep -c 'via' || true
}

# anycast_bgp_paths: the number of BGP paths FRR has for the IPv4 anycast prefix.
anycast_bgp_paths() {
	lab_json_eval r "show bgp ipv4 unicast $ANYCAST4/32 json" "len(j.get('paths', []))" ||
		echo 0
}

anycast_paths_are() {
	[ "$(anycast_paths)" = "$1" ]
}

# anycast_query ARGS...: dig from the client to the anycast address.
anycast_query() {
	lab_exec c kdig +time=1 +retry=0 "@$ANYCAST4" "$@"
}

# anycast_who: which PoP answers the client now (its NSID), or "none".
anycast_who() {
	out=$(lab_exec c kdig +time=1 +retry=0 +nsid "@$ANYCAST4" "$ANYCAST_ZONE" SOA 2>/dev/null) ||
		{ echo none; return 0; }
	printf '%s\n' "$out" | sed -n 's/.*NSID: .*"\(p[0-9]*\)".*/\1/p' | head -1
}

# anycast_pop_of_port SPORT: which PoP answers a query from source port SPORT (ECMP
# hashes on ports, so a fixed port keeps one path).
anycast_who_port() {
	out=$(lab_exec c kdig +time=1 +retry=0 +nsid -b "198.51.100.2#$1" "@$ANYCAST4" \
		"$ANYCAST_ZONE" SOA 2>/dev/null) || { echo none; return 0; }
	printf '%s\n' "$out" | sed -n 's/.*NSID: .*"\(p[0-9]*\)".*/\1/p' | head -1
}

# anycast_path_of K PYEXPR: evaluate PYEXPR with `p` = FRR's path for the IPv4 anycast
# prefix learned from PoP K (fails when there is none).
anycast_path_of() {
	lab_json_eval r "show bgp ipv4 unicast $ANYCAST4/32 json" \
		"[(lambda p: $2)(p) for p in j.get('paths', []) if p['peer']['peerId'] == '192.0.2.$((16 * $1 + 2))'][0]"
}

anycast_has_path() {
	anycast_path_of "$1" "True" >/dev/null 2>&1
}

# anycast_updates_from K: UPDATE messages FRR has received from PoP K.
anycast_updates_from() {
	lab_json_eval r "show bgp neighbors 192.0.2.$((16 * $1 + 2)) json" \
		"str(j['192.0.2.$((16 * $1 + 2))']['messageStats']['updatesRecv'])"
}

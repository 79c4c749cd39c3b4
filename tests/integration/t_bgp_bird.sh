#!/bin/sh
# t_bgp_bird: bgp/ against real BIRD 2 in network namespaces (via tests/tools/bgp_speaker):
# an IPv4 session carrying IPv4 and IPv6 routes with their attributes as BIRD sees them,
# withdrawal, an IPv6 session (global + link-local next hop), a passive speaker that BIRD
# connects to, and the Cease shutdown communication BIRD reports.
set -eu
. "$(dirname "$0")/../lab/lab.sh"
lab_init
SPK=$BUILD/tools/bgp_speaker

lab_ns r
lab_ns p
lab_link r p 192.0.2.1/24,2001:db8:1::1/64 192.0.2.2/24,192.0.2.3/24,2001:db8:1::2/64

# BIRD 2 denies eBGP routes without explicit filters (RFC 8212): import all, export none.
lab_bird_start r "router id 192.0.2.1;
log \"$LAB_DIR/bird-r.log\" all;
protocol device { scan time 1; }
template bgp pharos {
  local as 64500;
  hold time 9;
  connect delay time 1;
  connect retry time 1;
  error wait time 1, 5;
}
protocol bgp v4 from pharos {
  local 192.0.2.1;
  neighbor 192.0.2.2 as 64501;
  ipv4 { import all; export none; };
  ipv6 { import all; export none; };
}
protocol bgp v6 from pharos {
  local 2001:db8:1::1;
  neighbor 2001:db8:1::2 as 64501;
  ipv4 { import none; export none; };
  ipv6 { import all; export none; };
}
protocol bgp pas from pharos {
  local 192.0.2.1;
  neighbor 192.0.2.3 as 64501;
  ipv4 { import all; export none; };
}"

# speaker NAME ARGS...: start bgp_speaker in p with a control fifo.
speaker() {
	_sn=$1
	shift
	lab_tool p "$_sn" "$SPK -d --asn 64501 --id 192.0.2.2 --peer-as 64500 $*"
}

ctl() {
	lab_tool_cmd "$1" "$2"
}

# bird_established PROTO: BIRD's BGP protocol PROTO is Established.
bird_established() {
	lab_birdc r show protocols all "$1" | grep -q 'BGP state:[[:space:]]*Established'
}

# bird_route PREFIX: BIRD's `show route all` for PREFIX (empty when BIRD has none).
bird_route() {
	lab_birdc r show route for "$1" all | sed -n '/^[0-9a-f].*\[.*\]/,$p'
}

bird_has() {
	bird_route "$1" | grep -q "$1"
}

# attr PREFIX NAME: the value of BGP.NAME in BIRD's route for PREFIX.
attr() {
	bird_route "$1" | sed -n "s/^[[:space:]]*BGP\.$2: //p" | head -1
}

# 1. IPv4 session carrying IPv4 and IPv6 routes with MED, prepend, communities.
speaker v4 --peer 192.0.2.1 --local 192.0.2.2 --med 10 --prepend 2 \
	--community 64501:100 --community 65535:65281 --large 64501:1:2 \
	203.0.113.53/32 2001:db8:53::1/128
lab_wait 20 "IPv4 session established" bird_established v4
lab_wait 5 "IPv4 route in BIRD" bird_has 203.0.113.53/32
lab_wait 5 "IPv6 route over the IPv4 session" bird_has 2001:db8:53::1/128
got="$(attr 203.0.113.53/32 as_path)|$(attr 203.0.113.53/32 med)|$(attr 203.0.113.53/32 next_hop)"
[ "$got" = "64501 64501 64501|10|192.0.2.2" ] || lab_fail "IPv4 route attributes: $got"
got=$(attr 203.0.113.53/32 community)
[ "$got" = "(64501,100) (65535,65281)" ] || lab_fail "communities: $got"
got=$(attr 203.0.113.53/32 large_community)
[ "$got" = "(64501, 1, 2)" ] || lab_fail "large communities: $got"
got=$(attr 203.0.113.53/32 origin)
[ "$got" = IGP ] || lab_fail "origin: $got"
# (No LOCAL_PREF towards eBGP is pinned by the unit test: BIRD discards a received one
# from an eBGP peer and sets its own default, so it cannot show what we sent.)
got=$(attr 2001:db8:53::1/128 next_hop)
[ "$got" = "2001:db8:1::2" ] || lab_fail "IPv6 next hop over the IPv4 session: $got"
echo "ok 1 - IPv4 session: IPv4 and IPv6 routes with attributes"

ctl v4 withdraw
lab_wait_not 5 "IPv4 withdrawal" bird_has 203.0.113.53/32
lab_wait_not 5 "IPv6 withdrawal" bird_has 2001:db8:53::1/128
bird_established v4 || lab_fail "session dropped on withdrawal"
ctl v4 announce
lab_wait 5 "re-announcement" bird_has 203.0.113.53/32
echo "ok 2 - withdraw and re-announce"

# 2. IPv6 session: the global next hop plus the link-local one.
speaker v6 --peer 2001:db8:1::1 --local 2001:db8:1::2 --families ipv6 2001:db8:53::2/128
lab_wait 20 "IPv6 session established" bird_established v6
lab_wait 5 "IPv6 route" bird_has 2001:db8:53::2/128
got=$(attr 2001:db8:53::2/128 next_hop)
case "$got" in
"2001:db8:1::2 fe80::"*) ;;
*) lab_fail "IPv6 session next hops: $got" ;;
esac
echo "ok 3 - IPv6 session: global and link-local next hop"

# 3. Passive: the speaker only listens; BIRD connects to it.
speaker pas --peer 192.0.2.1 --local 192.0.2.3 --passive --families ipv4 203.0.113.57/32
lab_wait 20 "passive session established" bird_established pas
lab_wait 5 "route over the passive session" bird_has 203.0.113.57/32
got=$(attr 203.0.113.57/32 next_hop)
[ "$got" = "192.0.2.3" ] || lab_fail "passive session next hop: $got"
echo "ok 4 - passive session (BIRD connects)"

# 4. Exit sends Cease with a shutdown communication that BIRD reports.
ctl v4 "exit maintenance by t_bgp_bird"
lab_wait 10 "BIRD shows the shutdown communication" \
	sh -c "birdc -s $LAB_DIR/bird-r/bird.ctl show protocols all v4 | grep -q 'maintenance by t_bgp_bird'"
lab_wait_not 5 "routes gone with the session" bird_has 203.0.113.53/32
echo "ok 5 - Cease with shutdown communication"

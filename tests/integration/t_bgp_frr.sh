#!/bin/sh
# t_bgp_frr: bgp/ against real FRR 8.4 in network namespaces (via tests/tools/bgp_speaker):
# IPv4 and IPv6 sessions, attributes as FRR sees them, withdrawal, TCP-MD5, GTSM, a passive
# speaker FRR connects to (MD5 key on the listener, GTSM on the accepted socket), FRR
# restarted, FRR frozen past the hold time.
set -eu
. "$(dirname "$0")/../lab/lab.sh"
lab_init
SPK=$BUILD/tools/bgp_speaker

lab_ns r
lab_ns p
lab_link r p 192.0.2.1/24,2001:db8:1::1/64 \
	192.0.2.2/24,192.0.2.3/24,192.0.2.4/24,192.0.2.5/24,192.0.2.6/24,2001:db8:1::2/64

FRR_CONF="router bgp 64500
 bgp router-id 192.0.2.1
 bgp log-neighbor-changes
 no bgp ebgp-requires-policy
 neighbor 192.0.2.2 remote-as 64501
 neighbor 192.0.2.2 timers 3 9
 neighbor 192.0.2.2 timers connect 1
 neighbor 192.0.2.3 remote-as 64501
 neighbor 192.0.2.3 password s3cret-md5
 neighbor 192.0.2.4 remote-as 64501
 neighbor 192.0.2.4 ttl-security hops 1
 neighbor 192.0.2.5 remote-as 64501
 neighbor 192.0.2.5 password s3cret-md5
 neighbor 192.0.2.6 remote-as 64501
 neighbor 192.0.2.6 password s3cret-md5
 neighbor 192.0.2.6 ttl-security hops 1
 neighbor 192.0.2.6 timers connect 1
 neighbor 2001:db8:1::2 remote-as 64501
 address-family ipv4 unicast
  no neighbor 2001:db8:1::2 activate
 exit-address-family
 address-family ipv6 unicast
  neighbor 192.0.2.2 activate
  neighbor 2001:db8:1::2 activate
 exit-address-family"
lab_frr_start r "$FRR_CONF"

# speaker NAME ARGS...: start bgp_speaker in p with a control fifo on fd chosen by name.
speaker() {
	_sn=$1
	shift
	lab_tool p "$_sn" "$SPK -d --asn 64501 --id 192.0.2.2 --peer-as 64500 $*"
}

# ctl NAME COMMAND: send one command line to speaker NAME.
ctl() {
	lab_tool_cmd "$1" "$2"
}

# 1. IPv4 session carrying IPv4 and IPv6 routes with MED, communities, large communities.
speaker v4 --peer 192.0.2.1 --local 192.0.2.2 --med 10 --prepend 2 \
	--community 64501:100 --community 65535:65281 --large 64501:1:2 \
	203.0.113.53/32 2001:db8:53::1/128
lab_wait 20 "IPv4 session established" lab_frr_established r 192.0.2.2
lab_wait 5 "IPv4 route in FRR" lab_frr_has_route r ipv4 203.0.113.53/32
lab_wait 5 "IPv6 route over IPv4 session" lab_frr_has_route r ipv6 2001:db8:53::1/128
got=$(lab_frr_route r ipv4 203.0.113.53/32 \
	"'%s|%s|%s|%s|%s' % (p['aspath']['string'], p.get('metric'), p['community']['string'], p['largeCommunity']['string'], p['nexthops'][0]['ip'])")
[ "$got" = "64501 64501 64501|10|64501:100 no-export|64501:1:2|192.0.2.2" ] ||
	lab_fail "IPv4 route attributes: $got"
got=$(lab_frr_route r ipv6 2001:db8:53::1/128 "p['nexthops'][0]['ip']")
[ "$got" = "2001:db8:1::2" ] || lab_fail "IPv6 next hop over IPv4 session: $got"
echo "ok 1 - IPv4 session: attributes as configured"

ctl v4 withdraw
lab_wait_not 5 "IPv4 withdrawal" lab_frr_has_route r ipv4 203.0.113.53/32
lab_wait_not 5 "IPv6 withdrawal" lab_frr_has_route r ipv6 2001:db8:53::1/128
ctl v4 announce
lab_wait 5 "re-announcement" lab_frr_has_route r ipv4 203.0.113.53/32
echo "ok 2 - withdraw and re-announce"

# 2. IPv6 session: global next hop plus the link-local one (single hop).
speaker v6 --peer 2001:db8:1::1 --local 2001:db8:1::2 --families ipv6 2001:db8:53::2/128
lab_wait 20 "IPv6 session established" lab_frr_established r 2001:db8:1::2
lab_wait 5 "IPv6 route" lab_frr_has_route r ipv6 2001:db8:53::2/128
got=$(lab_frr_route r ipv6 2001:db8:53::2/128 "' '.join(sorted(n.get('scope','')+'='+n['ip'] for n in p['nexthops']))")
case "$got" in
*"global=2001:db8:1::2"*"link-local=fe80::"*) ;;
*) lab_fail "IPv6 session next hops: $got" ;;
esac
echo "ok 3 - IPv6 session: global and link-local next hop"

# 3. TCP-MD5: the right key comes up; a wrong key never does.
speaker md5 --peer 192.0.2.1 --local 192.0.2.3 --password s3cret-md5 203.0.113.54/32
speaker md5bad --peer 192.0.2.1 --local 192.0.2.5 --password wrong-key 203.0.113.55/32
lab_wait 20 "MD5 session established" lab_frr_established r 192.0.2.3
lab_wait 5 "MD5 route" lab_frr_has_route r ipv4 203.0.113.54/32
sleep 3
if lab_frr_established r 192.0.2.5; then lab_fail "session with a wrong MD5 key came up"; fi
echo "ok 4 - TCP-MD5"

# 4. GTSM with FRR's ttl-security hops 1.
speaker gtsm --peer 192.0.2.1 --local 192.0.2.4 --ttl-security 203.0.113.56/32
lab_wait 20 "GTSM session established" lab_frr_established r 192.0.2.4
lab_wait 5 "GTSM route" lab_frr_has_route r ipv4 203.0.113.56/32
echo "ok 5 - GTSM"

# 4b. Passive: the speaker only listens (MD5 key on the listener before FRR's SYN, GTSM
# set on the accepted socket); FRR connects to it.
speaker passive --peer 192.0.2.1 --local 192.0.2.6 --passive --password s3cret-md5 \
	--ttl-security --families ipv4 203.0.113.58/32
lab_wait 20 "passive session established" lab_frr_established r 192.0.2.6
lab_wait 5 "route over the passive session" lab_frr_has_route r ipv4 203.0.113.58/32
got=$(lab_frr_route r ipv4 203.0.113.58/32 "p['nexthops'][0]['ip']")
[ "$got" = "192.0.2.6" ] || lab_fail "passive session next hop: $got"
echo "ok 5b - passive session with TCP-MD5 and GTSM (FRR connects)"

# 5. FRR restarted: sessions and routes come back.
lab_frr_stop r
sleep 1
lab_frr_start r "$FRR_CONF"
lab_wait 30 "IPv4 session back after FRR restart" lab_frr_established r 192.0.2.2
lab_wait 5 "route back after FRR restart" lab_frr_has_route r ipv4 203.0.113.53/32
lab_wait 30 "MD5 session back" lab_frr_established r 192.0.2.3
echo "ok 6 - FRR restart"

# 6. FRR frozen past our hold time (9 s): we send Hold Timer Expired and reconnect.
bgpd=$(lab_frr_bgpd_pid r)
kill -STOP "$bgpd"
sleep 11
ctl v4 status
sleep 0.3
kill -CONT "$bgpd"
grep -q 'sent 4/0' "$LAB_DIR/v4.out" || lab_fail "no hold timer expiry: $(tail -1 "$LAB_DIR/v4.out")"
grep -q 'hold timer expired' "$LAB_DIR/v4.log" || lab_fail "hold expiry not logged"
lab_wait 30 "session back after SIGCONT" lab_frr_established r 192.0.2.2
lab_wait 5 "route back after SIGCONT" lab_frr_has_route r ipv4 203.0.113.53/32
echo "ok 7 - FRR frozen past hold time, then back"

# 7. Exit sends Cease with a shutdown communication that FRR logs.
ctl v4 "exit maintenance by t_bgp_frr"
lab_wait 10 "FRR logged the shutdown communication" \
	grep -q "maintenance by t_bgp_frr" "/run/frr/$LAB-r/frr.log"
echo "ok 8 - Cease with shutdown communication"

#!/bin/sh
# t_bgp_scale: bgp/ at table scale, correctness and memory only (speed belongs in make
# bench; the figures are printed). (1) A router (tests/tools/bgp_flood) sends a full
# table of 1,000,000 IPv4 + 10,000 IPv6 prefixes to bgp_speaker, which stays
# Established, counts every prefix and grows its RSS by less than 1 MiB (nothing is
# stored). (2) bgp_speaker announces 10,000 prefixes to FRR, which must hold them all.
# The IPv4 prefixes are in 198.18.0.0/15 (RFC 2544 benchmarking space): the
# documentation prefixes are too small for 10,000 distinct routes.
set -eu
. "$(dirname "$0")/../lab/lab.sh"
lab_init
SPK=$BUILD/tools/bgp_speaker
FLOOD=$BUILD/tools/bgp_flood
N4=${SCALE_N4:-1000000}
N6=${SCALE_N6:-10000}
NFRR=${SCALE_NFRR:-10000}

lab_ns r
lab_ns p
lab_ns f
lab_link r p 192.0.2.1/24,2001:db8:1::1/64 192.0.2.2/24,2001:db8:1::2/64
lab_link f p 198.51.100.1/24 198.51.100.2/24

# speaker NAME ARGS...: bgp_speaker in p with a control fifo; sets SPK_PID.
speaker() {
	_sn=$1
	shift
	lab_tool p "$_sn" "$SPK --asn 64501 --id 192.0.2.2 $*"
	SPK_PID=$LAB_LASTPID
}

# status NAME: ask speaker NAME for its status line and print it.
status() {
	n=$(wc -l <"$LAB_DIR/$1.out")
	lab_tool_cmd "$1" status
	i=0
	while [ "$(wc -l <"$LAB_DIR/$1.out")" -le "$n" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	tail -1 "$LAB_DIR/$1.out"
}

rss_kib() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# 1. The full table into the speaker.
lab_tool r flood "$FLOOD --listen 192.0.2.1 --asn 64500 --peer-as 64501 \
	--hold 9 --count $N4 --count6 $N6 --delay 1000 --sync"
speaker spk --peer 192.0.2.1 --local 192.0.2.2 --peer-as 64500 --hold 9 203.0.113.53/32
pid=$SPK_PID
lab_wait 20 "flood session established" grep -q '^established' "$LAB_DIR/flood.out"
rss0=$(rss_kib "$pid")
lab_wait 30 "flood sent everything" grep -q '^done' "$LAB_DIR/flood.out"
want="rx4=$N4 rx6=$N6"
counted() {
	status spk | grep -q "$want"
}
lab_wait 20 "speaker counted $want" counted
st=$(status spk)
rss1=$(rss_kib "$pid")
echo "# $(grep '^done' "$LAB_DIR/flood.out")"
echo "# speaker: $st"
echo "# speaker RSS: ${rss0} KiB before, ${rss1} KiB after ($((rss1 - rss0)) KiB growth)"
case "$st" in
"state=Established "*" est=1 "*) ;;
*) lab_fail "speaker did not stay up through the flood: $st" ;;
esac
[ $((rss1 - rss0)) -lt 1024 ] || lab_fail "RSS grew by $((rss1 - rss0)) KiB"
echo "ok 1 - $N4 IPv4 + $N6 IPv6 prefixes received and counted, RSS flat"

# 2. 10,000 prefixes announced to FRR.
lab_frr_start f "router bgp 64500
 bgp router-id 198.51.100.1
 no bgp ebgp-requires-policy
 neighbor 198.51.100.2 remote-as 64501
 neighbor 198.51.100.2 timers connect 1"
t0=$(now_ms)
speaker big --peer 198.51.100.1 --local 198.51.100.2 --peer-as 64500 --families ipv4 \
	--count "$NFRR" 198.18.0.0/32
lab_wait 20 "session with FRR" lab_frr_established f 198.51.100.2
t1=$(now_ms)
lab_wait 40 "FRR holds $NFRR prefixes" lab_json_eval f 'show bgp ipv4 unicast summary json' \
	"j['peers']['198.51.100.2']['pfxRcd'] == $NFRR"
t2=$(now_ms)
echo "# FRR: established after $((t1 - t0)) ms, all $NFRR prefixes after $((t2 - t1)) ms more"
st=$(status big)
case "$st" in
"state=Established announced=$NFRR "*) ;;
*) lab_fail "speaker status: $st" ;;
esac
echo "ok 2 - FRR holds all $NFRR announced prefixes"

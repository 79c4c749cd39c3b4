#!/bin/sh
# bench part 4: BGP at scale.
# (a) 10,000 and 100,000 IPv4 /32s (198.18.0.0/15, RFC 2544 space) announced to FRR by
#     pharos's speaker (tests/tools/bgp_speaker, bgp/ as pharosd uses it) and then by
#     ExaBGP 4.2 (an API process printing the same routes, api.ack off), one after the
#     other to the same FRR in the same run: time from the speaker's start, and from the
#     session's establishment, until FRR's pfxRcd counts all of them (both polled
#     every 0.1 s with vtysh's JSON).
# (b) 1,000,000 IPv4 + 10,000 IPv6 prefixes sent by tests/tools/bgp_flood to bgp_speaker:
#     prefixes parsed per second (until the speaker answers a ROUTE-REFRESH sent after the
#     table) and the speaker's RSS before and after. No peer figure: ExaBGP's receive
#     path is not what users run beside pharos. bgp_parse_bench adds bgp/'s decode
#     rate alone, in memory.
set -eu
BENCH_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$BENCH_ROOT/bench/lib.sh"
lab_init
if [ -n "$BENCH_QUICK" ]; then : "${BENCH_BGP_COUNTS:=10000}"; else : "${BENCH_BGP_COUNTS:=10000 100000}"; fi
SPK=$BUILD/tools/bgp_speaker
FLOOD=$BUILD/tools/bgp_flood
lab_ns f
lab_ns p
lab_link f p 198.51.100.1/24 198.51.100.2/24,198.51.100.3/24
lab_frr_start f "router bgp 64500
 bgp router-id 198.51.100.1
 no bgp ebgp-requires-policy
 neighbor 198.51.100.2 remote-as 64501
 neighbor 198.51.100.2 timers connect 1
 neighbor 198.51.100.3 remote-as 64502
 neighbor 198.51.100.3 passive"

now() { date +%s.%N; }

# rcvd PEER N: FRR counts N prefixes from PEER.
rcvd() {
	lab_json_eval f 'show bgp ipv4 unicast summary json' "j['peers']['$1'].get('pfxRcd') == $2"
}

# timed SUBJECT PEER N: wait until the session is up, then until FRR holds N prefixes
# from PEER; record the times from T0 (the speaker's start) and from Established.
timed() {
	lab_wait 60 "$1 established" lab_frr_established f "$2"
	te=$(now)
	lab_wait 300 "FRR holds $3 prefixes from $1" rcvd "$2" "$3"
	t1=$(now)
	bench_sample bgp "all prefixes in FRR from start" "$3 prefixes" "$1" \
		"$(awk -v a="$T0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" s
	bench_sample bgp "all prefixes in FRR from Established" "$3 prefixes" "$1" \
		"$(awk -v a="$te" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" s
}

empty() {
	lab_json_eval f 'show bgp ipv4 unicast summary json' "j.get('ribCount', 0) == 0"
}

run=1
while [ $run -le "$BENCH_RUNS" ]; do
	for n in $BENCH_BGP_COUNTS; do
		mkfifo "$LAB_DIR/spk.ctl"
		T0=$(now)
		lab_bg p spk sh -c "exec $SPK --asn 64501 --id 198.51.100.2 --peer 198.51.100.1 \
			--local 198.51.100.2 --peer-as 64500 --families ipv4 --count $n 198.18.0.0/32 \
			<>$LAB_DIR/spk.ctl >$LAB_DIR/spk.out"
		pid=$LAB_LASTPID
		timed pharosd 198.51.100.2 "$n"
		lab_stop "$pid"
		rm -f "$LAB_DIR/spk.ctl"
		lab_wait 300 "FRR empty again" empty

		awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
			printf "announce route 198.%d.%d.%d/32 next-hop self\n", 18 + int(i / 65536), int(i / 256) % 256, i % 256 }' \
			>"$LAB_DIR/routes.txt"
		printf 'cat %s\nexec sleep 3600\n' "$LAB_DIR/routes.txt" >"$LAB_DIR/routes.sh"
		cat >"$LAB_DIR/exabgp.conf" <<EOC
process routes {
 run /bin/sh $LAB_DIR/routes.sh;
 encoder text;
}
neighbor 198.51.100.1 {
 router-id 198.51.100.3;
 local-address 198.51.100.3;
 local-as 64502;
 peer-as 64500;
 api { processes [ routes ]; }
}
EOC
		T0=$(now)
		lab_bg p exabgp-bgp env exabgp.daemon.user=root exabgp.daemon.drop=false \
			exabgp.api.cli=false exabgp.api.ack=false exabgp.log.destination=stderr \
			exabgp.log.level=WARNING exabgp "$LAB_DIR/exabgp.conf"
		pid=$LAB_LASTPID
		timed exabgp 198.51.100.3 "$n"
		lab_stop "$pid"
		lab_wait 300 "FRR empty again" empty
	done
	run=$((run + 1))
done

# (b) the full table into the speaker
lab_ns g
lab_ns q
lab_link g q 192.0.2.1/24 192.0.2.2/24
run=1
while [ $run -le "$BENCH_RUNS" ]; do
	rm -f "$LAB_DIR/flood.ctl" "$LAB_DIR/fspk.ctl"
	mkfifo "$LAB_DIR/flood.ctl" "$LAB_DIR/fspk.ctl"
	lab_bg g flood sh -c "exec $FLOOD --listen 192.0.2.1 --asn 64500 --peer-as 64501 \
		--hold 9 --count 1000000 --count6 10000 --delay 1000 --sync \
		<>$LAB_DIR/flood.ctl >$LAB_DIR/flood.out"
	fpid=$LAB_LASTPID
	lab_bg q fspk sh -c "exec $SPK --asn 64501 --id 192.0.2.2 --peer 192.0.2.1 \
		--local 192.0.2.2 --peer-as 64500 --hold 9 203.0.113.53/32 \
		<>$LAB_DIR/fspk.ctl >$LAB_DIR/fspk.out"
	spid=$LAB_LASTPID
	lab_wait 20 "flood session established" grep -q '^established' "$LAB_DIR/flood.out"
	rss0=$(bench_rss_kib "$spid")
	lab_wait 60 "flood done" grep -q '^done' "$LAB_DIR/flood.out"
	sleep 0.5
	rss1=$(bench_rss_kib "$spid")
	rate=$(sed -n 's/^done .* rate=\([0-9.]*\).*/\1/p' "$LAB_DIR/flood.out")
	bench_sample bgp "1M received: prefixes per second" "1M+10k prefixes" pharosd "$rate" prefixes/s
	bench_sample bgp "1M received: RSS before" "1M+10k prefixes" pharosd "$rss0" KiB
	bench_sample bgp "1M received: RSS after" "1M+10k prefixes" pharosd "$rss1" KiB
	bench_sample bgp "1M received: RSS growth" "1M+10k prefixes" pharosd "$((rss1 - rss0))" KiB
	lab_stop "$spid"
	lab_stop "$fpid"
	r=$("$BUILD/tools/bgp_parse_bench" 1000000 5 | sed -n 's/.* \([0-9]*\) prefixes\/s.*/\1/p')
	bench_sample bgp "decode only (bgp_parse_bench)" "1M prefixes" pharosd "$r" prefixes/s
	run=$((run + 1))
done

#!/bin/sh
# soak.sh: random faults against the anycast lab for DURATION (make soak DURATION=10m).
#
# Two PoPs; p1 also has a passive peer that bgp_evil plays. Each round picks one fault at
# random (SOAK_SEED makes the sequence repeatable), heals it, and waits until FRR has
# both paths and both pharosds show their session and service up with their addresses
# once. p1's pharosd lives through the whole soak: at the end its RSS, open fds and
# pending loop timers must be what they were at the start (RSS within SOAK_RSS_SLACK_KB);
# p2's pharosd is the one that gets SIGKILLed and restarted, compared against its last
# start. Finally each PoP's responder is stopped in turn to check that FRR's table
# follows the PoPs' health: no route is left that should not be.
#
#   DURATION=10m sh tests/lab/soak.sh      (s, m or h; as root)
#   per-round lines on stdout, usage samples in $SOAK_CSV (default build/soak.csv)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
. "$here/anycast.sh"
. "$here/faults.sh"

: "${DURATION:=10m}"
: "${SOAK_SEED:=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}"
: "${SOAK_RSS_SLACK_KB:=1024}"
: "${SOAK_CSV:=$BUILD/soak.csv}"

soak_secs() {
	case "$1" in
	*h) echo $((${1%h} * 3600)) ;;
	*m) echo $((${1%m} * 60)) ;;
	*s) echo "${1%s}" ;;
	*) echo "$1" ;;
	esac
}

SOAK_RNG=$SOAK_SEED
# soak_rand N: SOAK_R = a pseudo-random number in [0, N) from the seeded sequence (not
# in a subshell: the state must advance).
soak_rand() {
	SOAK_RNG=$(((SOAK_RNG * 1103515245 + 12345) % 2147483648))
	SOAK_R=$(((SOAK_RNG / 65536) % $1))
}

soak_log() {
	printf '%s soak: %s\n' "$(date +%H:%M:%S)" "$*"
}

# ---- faults; each heals itself before returning ----

f_frr_restart() {
	fault_frr_restart 2
}

f_link_flap() {
	ip -n "$LAB-r" link set "to-p$1" down
	soak_rand 4
	sleep $((SOAK_R + 1))
	ip -n "$LAB-r" link set "to-p$1" up
}

f_loss() {
	_sa=192.0.2.$((16 * $1 + 2))
	fault_nft r "ip saddr $_sa tcp dport 179 numgen random mod 100 < 30 drop" \
		"ip daddr $_sa tcp sport 179 numgen random mod 100 < 30 drop" \
		"ip saddr $_sa tcp sport 179 numgen random mod 100 < 30 drop" \
		"ip daddr $_sa tcp dport 179 numgen random mod 100 < 30 drop"
	_si=0
	while [ $_si -lt 6 ]; do
		lab_vtysh r "clear bgp ipv4 unicast 192.0.2.$((16 * $1 + 2)) soft" >/dev/null 2>&1 || true
		sleep 1
		_si=$((_si + 1))
	done
	fault_nft_clear r
}

f_silent() {
	_sa=192.0.2.$((16 * $1 + 2))
	fault_nft r "ip saddr $_sa drop" "ip daddr $_sa drop" \
		"ip6 saddr 2001:db8:$1::2 drop" "ip6 daddr 2001:db8:$1::2 drop"
	sleep 11
	fault_nft_clear r
}

f_freeze() {
	eval "_sp=\$ANYCAST_DNSD_$1"
	kill -STOP "$_sp"
	lab_wait 5 "p$1 withdrawn while frozen" soak_not_path "$1"
	kill -CONT "$_sp"
}

soak_not_path() {
	! anycast_has_path "$1"
}

f_kill() {
	kill -KILL "$ANYCAST_PHAROSD_2"
	wait "$ANYCAST_PHAROSD_2" 2>/dev/null || true
	soak_rand 3
	sleep "$SOAK_R"
	lab_pharosd p2 "$(anycast_pharosd_conf 2)"
	ANYCAST_PHAROSD_2=$LAB_LASTPID
	SOAK_RESTARTS=$((SOAK_RESTARTS + 1))
	lab_wait 40 "p2 up after restart" fault_pop_up 2
	fault_baseline_one 2
}

f_addr_del() {
	soak_rand 2
	if [ "$SOAK_R" = 0 ]; then
		ip -n "$LAB-p$1" addr del "$ANYCAST4/32" dev lo
	else
		ip -n "$LAB-p$1" -6 addr del "$ANYCAST6/128" dev lo
	fi
	lab_wait 5 "p$1 address restored" fault_addrs_ok "$1"
}

f_bad_reload() {
	_sd=$LAB_DIR/p$1
	cp "$_sd/pharosd.ini" "$_sd/good.ini"
	printf '\n[service:broken]\nprefixes = 203.0.113.300/32\n' >>"$_sd/pharosd.ini"
	fault_ctl "$1" reload >/dev/null 2>&1 && lab_fail "p$1 accepted a broken reload"
	cp "$_sd/good.ini" "$_sd/pharosd.ini"
}

f_evil() {
	soak_rand "$SOAK_NEVIL"
	_sc=$(echo "$SOAK_EVIL" | sed -n "$((SOAK_R + 1))p")
	_sr=$(lab_exec e "$BUILD/tools/bgp_evil" --peer 192.0.2.242 --local 192.0.2.241 \
		--as 64666 --id 192.0.2.241 --hold 3 --wait 1 "$_sc") ||
		lab_fail "bgp_evil $_sc: $_sr"
	SOAK_DETAIL="$_sc: ${_sr%% (*}"
	lab_frr_established r 192.0.2.18 || lab_fail "the evil peer took p1's FRR session down"
}

# ---- checks ----

fault_baseline_one() {
	eval "_sp=\$ANYCAST_PHAROSD_$1"
	eval "FAULT_BASE_$1=\"\$(fault_usage $_sp)\""
	eval "FAULT_TIMERS_$1=\$(fault_timers $1)"
}

soak_sample() {
	printf '%s,%s,%s' "$1" "$(($(date +%s) - SOAK_T0))" "$2" >>"$SOAK_CSV"
	for _sk in 1 2; do
		eval "_sp=\$ANYCAST_PHAROSD_$_sk"
		printf ',%s,%s,%s' "$(fault_rss "$_sp")" "$(fault_fds "$_sp")" \
			"$(fault_timers "$_sk" || echo '?')" >>"$SOAK_CSV"
	done
	echo >>"$SOAK_CSV"
}

# soak_final K: pharosd K's RSS, fds and timers against its baseline, once idle.
soak_final() {
	eval "_sp=\$ANYCAST_PHAROSD_$1 _sb=\$FAULT_BASE_$1 _st=\$FAULT_TIMERS_$1"
	_sbr=${_sb#rss=}
	_sbr=${_sbr%% *}
	_sbf=${_sb##*fds=}
	lab_wait 10 "p$1 timers back to $_st" fault_timers_are "$1" "$_st"
	lab_wait 10 "p$1 fds back to $_sbf" sh -c "[ \$(ls /proc/$_sp/fd | wc -l) = $_sbf ]"
	_snr=$(fault_rss "$_sp")
	soak_log "p$1 pharosd: rss $_sbr -> $_snr kB, fds $_sbf -> $(fault_fds "$_sp"), timers $_st -> $(fault_timers "$1")"
	[ "$_snr" -le $((_sbr + SOAK_RSS_SLACK_KB)) ] ||
		lab_fail "p$1 RSS grew by $((_snr - _sbr)) kB (limit $SOAK_RSS_SLACK_KB)"
}

# soak_health_matches: stop each responder in turn: FRR keeps exactly the healthy PoP's
# path (BGP table and FIB), then both again.
soak_health_matches() {
	for _sk in 1 2; do
		_so=$((3 - _sk))
		anycast_dnsd_stop "$_sk"
		lab_wait 10 "p$_sk withdrawn when unhealthy" soak_not_path "$_sk"
		anycast_has_path "$_so" || lab_fail "p$_so's path missing"
		anycast_paths_are 1 || lab_fail "FRR has $(anycast_paths) paths with one PoP healthy"
		ip -n "$LAB-r" route show "$ANYCAST4" | grep -q "to-p$_sk" &&
			lab_fail "FIB still routes to unhealthy p$_sk"
		[ "$(anycast_who)" = "p$_so" ] || lab_fail "the client is not answered by p$_so"
		anycast_dnsd_start "$_sk"
		lab_wait 20 "all up again" fault_all_up
	done
}

# ---- main ----

lab_init
[ -x "$BUILD/tools/bgp_evil" ] || lab_fail "no $BUILD/tools/bgp_evil (make tools)"
secs=$(soak_secs "$DURATION")
ANYCAST_EXTRA_SERVICE="
[peer:evil]
address = 192.0.2.241
asn = 64666
passive = yes
hold_time = 3s"
anycast_up 2
fault_frr_restart 2 # without kernel nexthop objects: see faults.sh
lab_ns e
lab_link e p1 192.0.2.241/28 192.0.2.242/28
# ANYCAST_EXTRA_SERVICE went to p2 too; its evil peer never connects, which is harmless.
SOAK_EVIL=$("$BUILD/tools/bgp_evil" --list | awk '$1 != "hold" { print $1 }')
SOAK_NEVIL=$(echo "$SOAK_EVIL" | wc -l)
lab_wait 20 "all up" fault_all_up
sleep 2
fault_baseline_one 1
fault_baseline_one 2
SOAK_BASE_1=$FAULT_BASE_1
SOAK_T0=$(date +%s)
SOAK_RESTARTS=0
echo "round,t,fault,p1_rss,p1_fds,p1_timers,p2_rss,p2_fds,p2_timers" >"$SOAK_CSV"
soak_sample 0 start
soak_log "seed $SOAK_SEED, $secs s; p1 $FAULT_BASE_1 timers=$FAULT_TIMERS_1; p2 $FAULT_BASE_2 timers=$FAULT_TIMERS_2"

faults="frr_restart link_flap loss silent freeze kill addr_del bad_reload evil evil evil"
nfaults=$(echo $faults | wc -w)
round=0
end=$((SOAK_T0 + secs))
while [ "$(date +%s)" -lt "$end" ]; do
	round=$((round + 1))
	soak_rand "$nfaults"
	f=$(echo $faults | cut -d' ' -f$((SOAK_R + 1)))
	soak_rand 2
	pop=$((SOAK_R + 1))
	# The evil peer is p1's; p2's pharosd is the one killed (p1's must live throughout).
	case "$f" in evil) pop=1 ;; kill) pop=2 ;; esac
	SOAK_DETAIL=
	t=$(date +%s)
	"f_$f" "$pop"
	lab_wait 60 "all up after $f" fault_all_up
	fault_answers || lab_fail "no answer after $f"
	for k in 1 2; do
		eval "pid=\$ANYCAST_PHAROSD_$k"
		kill -0 "$pid" || lab_fail "p$k pharosd died during $f"
	done
	soak_sample "$round" "$f"
	soak_log "round $round: $f p$pop${SOAK_DETAIL:+ ($SOAK_DETAIL)} healed in $(($(date +%s) - t)) s; p1 $(fault_usage "$ANYCAST_PHAROSD_1") timers=$(fault_timers 1)"
	eval "n_$f=\$((\${n_$f:-0} + 1))"
done

counts=
for f in $(echo $faults | tr ' ' '\n' | sort -u); do
	eval "counts=\"\$counts \$f=\${n_$f:-0}\""
done
soak_log "$round rounds in $(($(date +%s) - SOAK_T0)) s:$counts"
sleep 3
soak_final 1
soak_final 2
soak_health_matches
soak_sample end final
soak_log "ok: p1 pharosd (up for the whole soak, $SOAK_BASE_1 at the start) back to its baseline; p2 restarted $SOAK_RESTARTS times; FRR's table follows the PoPs' health; samples in $SOAK_CSV"

# faults.sh: fault-injection helpers on top of lab.sh and anycast.sh (source those first).
#
#   fault_status K PYEXPR        PoP K's `pharosctl status --json` holds (s = the status,
#                                u = the peer named "upstream")
#   fault_usage PID              "rss=KB fds=N" of a process
#   fault_bounded PID BASE       fail unless RSS and fds are within bounds of BASE
#   fault_timers K               PoP K's pending loop timers
#   fault_frr_connections K      how often FRR has established the session to PoP K
#   fault_nft NS RULES...        an nftables table "pharos_fault" in NS with RULES in an
#                                input and an output chain (nft syntax, one per argument)
#   fault_nft_clear NS           remove it
#   fault_addrs_ok K             each anycast address is on PoP K's lo exactly once
#   fault_pop_consistent K       FRR's path from PoP K exists iff PoP K's service is up

: "${FAULT_RSS_SLACK_KB:=2048}"
: "${FAULT_FD_SLACK:=2}"

fault_ctl() {
	_fk=$1
	shift
	lab_exec "p$_fk" "$BUILD/pharosctl" -s "$LAB_DIR/p$_fk/pharosd.sock" "$@"
}

fault_status() {
	fault_ctl "$1" status --json 2>/dev/null | python3 -c 'import json, sys
s = json.load(sys.stdin)["status"]
u = ([p for p in s["peers"] if p["name"] == "upstream"] + [None])[0]
sys.exit(0 if eval(sys.argv[1]) else 1)' "$2"
}

fault_status_val() {
	fault_ctl "$1" status --json 2>/dev/null | python3 -c 'import json, sys
s = json.load(sys.stdin)["status"]
print(eval(sys.argv[1]))' "$2"
}

fault_timers() {
	fault_status_val "$1" 's["agent"]["timers"]'
}

fault_rss() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

fault_fds() {
	ls "/proc/$1/fd" | wc -l
}

fault_usage() {
	printf 'rss=%s fds=%s\n' "$(fault_rss "$1")" "$(fault_fds "$1")"
}

# fault_rss_slack PID: FAULT_RSS_SLACK_KB, or 32 MB under AddressSanitizer (its
# quarantine holds freed memory by design).
fault_rss_slack() {
	if grep -q asan "/proc/$1/maps" 2>/dev/null; then echo 32768; else echo "$FAULT_RSS_SLACK_KB"; fi
}

# fault_bounded PID BASE: RSS at most fault_rss_slack above BASE's, fds at most
# FAULT_FD_SLACK above (a connection attempt in flight may hold one).
fault_bounded() {
	_frss=${2#rss=}
	_frss=${_frss%% *}
	_ffds=${2##*fds=}
	_fnow_rss=$(fault_rss "$1")
	_fnow_fds=$(fault_fds "$1")
	[ "$_fnow_rss" -le $((_frss + $(fault_rss_slack "$1"))) ] ||
		lab_fail "RSS of $1 grew from $_frss to $_fnow_rss kB"
	[ "$_fnow_fds" -le $((_ffds + FAULT_FD_SLACK)) ] ||
		lab_fail "fds of $1 grew from $_ffds to $_fnow_fds: $(ls -l "/proc/$1/fd" | tail -n +2)"
}

fault_frr_connections() {
	_fa=192.0.2.$((16 * $1 + 2))
	lab_json_eval r "show bgp neighbors $_fa json" "str(j['$_fa']['connectionsEstablished'])"
}

fault_nft() {
	_fns=$1
	shift
	{
		echo "table inet pharos_fault {"
		echo " chain input { type filter hook input priority -10; policy accept;"
		for _fr in "$@"; do echo "  $_fr"; done
		echo " }"
		echo " chain output { type filter hook output priority -10; policy accept;"
		for _fr in "$@"; do echo "  $_fr"; done
		echo " }"
		echo "}"
	} >"$LAB_DIR/nft-$_fns.conf"
	fault_nft_clear "$_fns"
	lab_exec "$_fns" nft -f "$LAB_DIR/nft-$_fns.conf" || lab_fail "nft in $_fns"
}

fault_nft_clear() {
	lab_exec "$1" nft delete table inet pharos_fault 2>/dev/null || true
}

fault_addrs_ok() {
	for _fa in "$ANYCAST4/32" "$ANYCAST6/128"; do
		[ "$(ip -n "$LAB-p$1" -o addr show dev lo | grep -c " $_fa ")" = 1 ] || return 1
	done
}

# fault_pop_consistent K: FRR has PoP K's path exactly when its service is up.
fault_pop_consistent() {
	if fault_status "$1" 's["services"][0]["state"] == "up"'; then
		anycast_has_path "$1"
	else
		! anycast_has_path "$1"
	fi
}

# fault_pop_up K: PoP K fully up: FRR has the session and the path, pharosd shows its
# upstream Established with both prefixes announced, the service up and the addresses
# on lo once each.
fault_pop_up() {
	lab_frr_established r "192.0.2.$((16 * $1 + 2))" &&
		anycast_has_path "$1" &&
		fault_status "$1" 'u["state"] == "Established" and u["prefixes_announced"] == 2 and s["services"][0]["state"] == "up" and all(a["present"] for a in s["addresses"])' &&
		fault_addrs_ok "$1"
}

# fault_all_up: every PoP up and FRR with one path per PoP.
fault_all_up() {
	for _fk in $ANYCAST_POPS; do
		fault_pop_up "$_fk" || return 1
	done
	anycast_paths_are "$(echo $ANYCAST_POPS | wc -w)"
}

# fault_answers: the client gets an answer from some PoP.
fault_answers() {
	anycast_query "$ANYCAST_ZONE" SOA +short | grep -q hostmaster
}

# fault_baseline: record each PoP's pharosd usage and timer count once all is up.
fault_baseline() {
	for _fk in $ANYCAST_POPS; do
		eval "_fpid=\$ANYCAST_PHAROSD_$_fk"
		eval "FAULT_BASE_$_fk=\"\$(fault_usage $_fpid)\""
		eval "FAULT_TIMERS_$_fk=\$(fault_timers $_fk)"
	done
}

fault_timers_are() {
	[ "$(fault_timers "$1")" = "$2" ]
}

# fault_check WHAT: after a fault healed: everything up again within 40 s, the client
# answered, and each pharosd's RSS, fds and timer count back within bounds of the
# baseline.
fault_check() {
	lab_wait 40 "all PoPs up after $1" fault_all_up
	fault_answers || lab_fail "the client gets no answer after $1"
	for _fk in $ANYCAST_POPS; do
		eval "_fpid=\$ANYCAST_PHAROSD_$_fk _fbase=\$FAULT_BASE_$_fk _ft=\$FAULT_TIMERS_$_fk"
		fault_bounded "$_fpid" "$_fbase"
		lab_wait 5 "p$_fk timers back to $_ft after $1 (now $(fault_timers "$_fk"))" \
			fault_timers_are "$_fk" "$_ft"
	done
}

# fault_frr_restart N: restart the router's FRR (N PoPs).
fault_frr_restart() {
	lab_frr_stop r
	lab_frr_start r "$(anycast_router_conf "$1")"
}

# fault_lab_up: the two-PoP anycast lab, everything up, the baseline taken and reported
# as the test's first check.
fault_lab_up() {
	anycast_up 2
	lab_wait 10 "all up" fault_all_up
	fault_baseline
	echo "ok 1 - baseline: p1 $FAULT_BASE_1 timers=$FAULT_TIMERS_1"
}

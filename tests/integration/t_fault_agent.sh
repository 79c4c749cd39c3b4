#!/bin/sh
# t_fault_agent: faults on the PoP itself: the responder frozen (SIGSTOP: probe
# timeouts, withdrawn; SIGCONT: back); pharosd SIGKILLed and started again (FRR drops the
# path at once; the new pharosd takes its addresses back from its state file without
# duplicates and re-announces); an owned address deleted by hand (restored); a broken
# configuration reloaded (refused, kept running, nothing sent). The other PoP keeps the
# client answered; RSS, fds and timers return to the baseline each time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lab/lab.sh"
. "$here/../lab/anycast.sh"
. "$here/../lab/faults.sh"
lab_init

fault_lab_up

# 1. The responder frozen: its probe times out, the service goes down, FRR loses p1.
kill -STOP "$ANYCAST_DNSD_1"
lab_wait 5 "p1 service down" fault_status 1 's["services"][0]["state"] == "down"'
fault_status 1 's["services"][0]["probes"][0]["timeout"] >= 1' ||
	lab_fail "no probe timeout counted: $(fault_ctl 1 status --json)"
lab_wait_not 5 "p1 withdrawn" anycast_has_path 1
fault_addrs_ok 1 || lab_fail "addresses changed while the responder was down"
i=0
while [ $i -lt 5 ]; do
	[ "$(anycast_who)" = p2 ] || lab_fail "a query went elsewhere than p2: $(anycast_who)"
	i=$((i + 1))
done
kill -CONT "$ANYCAST_DNSD_1"
fault_check "the responder thawed"
echo "ok 2 - responder frozen: probe timeouts, withdrawn, p2 answers; thawed: back"

# 2. pharosd SIGKILLed: the kernel closes its session, FRR drops the path at once; the
# addresses stay; a new pharosd takes them back and re-announces.
kill -KILL "$ANYCAST_PHAROSD_1"
wait "$ANYCAST_PHAROSD_1" 2>/dev/null || true
lab_wait_not 3 "FRR drops p1 at once" anycast_has_path 1
fault_addrs_ok 1 || lab_fail "addresses gone with pharosd"
fault_answers || lab_fail "no answer without p1's pharosd"
lab_pharosd p1 "$(anycast_pharosd_conf 1)"
ANYCAST_PHAROSD_1=$LAB_LASTPID
lab_wait 5 "new pharosd up" fault_status 1 'True'
fault_status 1 'all(a["present"] and (a["owned"] or a["adopted"]) for a in s["addresses"]) and len(s["addresses"]) == 2' ||
	lab_fail "the new pharosd did not take its addresses: $(fault_ctl 1 status --json)"
grep -q 'added 203.0.113.53/32' "$LAB_DIR/pharosd-p1.log" &&
	lab_fail "the new pharosd added an address that was already there"
lab_wait 30 "p1 re-announced" fault_pop_up 1
fault_addrs_ok 1 || lab_fail "duplicate addresses after the restart"
FAULT_BASE_1=$(fault_usage "$ANYCAST_PHAROSD_1")
fault_check "pharosd restarted"
echo "ok 3 - pharosd SIGKILLed: path dropped at once; restarted: addresses taken back, no duplicates, re-announced"

# 3. An owned address deleted by hand: restored.
ip -n "$LAB-p1" addr del "$ANYCAST4/32" dev lo
lab_wait 5 "address restored" fault_addrs_ok 1
grep -q "address $ANYCAST4/32 removed from lo externally, restoring" "$LAB_DIR/pharosd-p1.log" ||
	lab_fail "no restore logged"
ip -n "$LAB-p1" -6 addr del "$ANYCAST6/128" dev lo
lab_wait 5 "IPv6 address restored" fault_addrs_ok 1
fault_check "addresses deleted by hand"
echo "ok 4 - owned IPv4 and IPv6 addresses deleted by hand: restored"

# 4. A broken configuration reloaded: refused (exit 1), kept running, nothing sent.
cp "$LAB_DIR/p1/pharosd.ini" "$LAB_DIR/p1/good.ini"
printf '\n[service:broken]\nprefixes = 203.0.113.300/32\nprobes = nope\n' >>"$LAB_DIR/p1/pharosd.ini"
before=$(anycast_updates_from 1)
rc=0
fault_ctl 1 reload 2>"$LAB_DIR/reload.err" || rc=$?
[ $rc = 1 ] || lab_fail "reload of a broken file: exit $rc"
kill -HUP "$ANYCAST_PHAROSD_1"
lab_wait 5 "two failed reloads" fault_status 1 's["agent"]["reload_failures"] == 2'
kill -0 "$ANYCAST_PHAROSD_1" || lab_fail "pharosd died on a broken reload"
fault_status 1 'len(s["services"]) == 1 and s["agent"]["reloads"] == 0' ||
	lab_fail "the broken file was applied"
sleep 1
[ "$(anycast_updates_from 1)" = "$before" ] || lab_fail "a broken reload sent UPDATEs"
cp "$LAB_DIR/p1/good.ini" "$LAB_DIR/p1/pharosd.ini"
fault_check "a broken reload"
echo "ok 5 - broken configuration reloaded twice: refused, running, no UPDATE, unchanged"

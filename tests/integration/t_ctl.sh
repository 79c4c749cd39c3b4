#!/bin/sh
# t_ctl: pharosctl and the metrics endpoint against a running pharosd: status --json
# follows a tcp probe whose port is opened and closed and an exec probe; drain and undrain
# change it and an operator's drain survives a restart; reload of a broken file is
# refused with exit 1 and changes nothing; /metrics parses and follows the state;
# sd_notify READY=1, STATUS= and STOPPING=1 reach a NOTIFY_SOCKET listener; the peer
# part of both matches a real FRR session.
set -eu
. "$(dirname "$0")/../lab/lab.sh"
lab_init
lab_ns r
lab_ns p
lab_link r p 192.0.2.1/24 192.0.2.2/24
lab_frr_start r "router bgp 64500
 bgp router-id 192.0.2.1
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor 192.0.2.2 remote-as 64501
 neighbor 192.0.2.2 timers 3 9
 neighbor 192.0.2.2 timers connect 1
 address-family ipv4 unicast
  network 198.51.100.0/24
 exit-address-family"
d=$LAB_DIR/p
mkdir -p "$d"
sock=$d/run/pharosd.sock
port=8080
conf() {
	cat <<EOC
[agent]
asn = 64501
router_id = 192.0.2.2
interface = lo
state_dir = $d/state
control_socket = $sock
metrics_listen = 127.0.0.1:9477
drain_time = 0

[probe:tcp]
type = tcp
target = 127.0.0.1:$port
interval = 300ms
timeout = 200ms
rise = 1
fall = 1

[probe:flag]
type = exec
command = /usr/bin/test -e $d/flag
interval = 300ms
timeout = 200ms
rise = 1
fall = 1

[peer:r1]
address = 192.0.2.1
asn = 64500
hold_time = 9s
connect_retry = 1s

[service:web]
prefixes = 203.0.113.80/32
probes = tcp, flag
EOC
}

ctl() { lab_exec p "$BUILD/pharosctl" -s "$sock" "$@"; }
# st PYEXPR: true when the expression holds over s, the status object.
st() {
	ctl status --json >"$d/st.json" 2>/dev/null || return 1
	python3 -c 'import json,sys
s = json.load(open(sys.argv[1]))["status"]
web = [x for x in s["services"] if x["name"] == "web"][0]
pr = {p["name"]: p for p in web["probes"]}
sys.exit(0 if eval(sys.argv[2]) else 1)' "$d/st.json" "$1"
}
# metrics PYEXPR: fetch /metrics, check every line strictly, then evaluate over m
# (series -> value).
metrics() {
	lab_exec p python3 - "$1" <<'EOP'
import re, sys, urllib.request
text = urllib.request.urlopen("http://127.0.0.1:9477/metrics", timeout=3).read().decode()
assert text.endswith("\n")
name = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
lab = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
sample = re.compile(r"^(%s)(\{%s(?:,%s)*\})? (-?[0-9.e+-]+|[+-]Inf|NaN)$" % (name, lab, lab))
typed, m = {}, {}
for line in text.splitlines():
    if line.startswith("# TYPE "):
        _, _, n, t = line.split(" ", 3)
        assert t in ("counter", "gauge", "histogram"), line
        assert n not in typed, line
        typed[n] = t
        continue
    if line.startswith("# HELP "):
        continue
    g = sample.match(line)
    assert g, "bad line: %r" % line
    base = re.sub(r"_(bucket|sum|count)$", "", g.group(1))
    assert g.group(1) in typed or typed.get(base) == "histogram", "untyped: " + line
    key = g.group(1) + (g.group(2) or "")
    assert key not in m, "duplicate: " + line
    m[key] = float(g.group(3))
sys.exit(0 if eval(sys.argv[1]) else 1)
EOP
}

# A tcp listener that can be opened and closed.
listener() {
	lab_bg p "tcp" python3 -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    c.close()' "$port"
	tcp_pid=$LAB_LASTPID
}

# The systemd side of sd_notify: one line per datagram.
lab_bg p notify python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
f = open(sys.argv[2], "a")
while True:
    f.write(s.recv(4096).decode().replace("\n", " ") + "\n")
    f.flush()' "$d/notify.sock" "$d/notify.log"
lab_wait 5 "notify listener" test -S "$d/notify.sock"

touch "$d/flag"
listener
export NOTIFY_SOCKET="$d/notify.sock"
lab_pharosd p "$(conf)"
pid=$LAB_LASTPID
unset NOTIFY_SOCKET
lab_wait 5 "READY=1" grep -qx 'READY=1' "$d/notify.log"
lab_wait 5 "STATUS= line" grep -q '^STATUS=running: 1/1 services up' "$d/notify.log"
echo "ok 1 - sd_notify: READY=1 and STATUS= reach NOTIFY_SOCKET"

[ "$(stat -c %a "$sock")" = 660 ] || lab_fail "control socket mode $(stat -c %a "$sock")"
lab_wait 5 "web up" st 'web["state"] == "up" and pr["tcp"]["state"] == "up" and pr["flag"]["state"] == "up"'
st 's["addresses"][0]["prefix"] == "203.0.113.80/32" and s["addresses"][0]["present"]' ||
	lab_fail "address missing from status"
ip -n "$LAB-p" -o addr show dev lo | grep -q ' 203.0.113.80/32 ' || lab_fail "address not on lo"
st 'pr["tcp"]["type"] == "tcp" and pr["tcp"]["ok"] >= 1 and pr["flag"]["last_result"] == "exit 0"' ||
	lab_fail "probe details wrong: $(cat "$d/st.json")"
ctl status >"$d/table.txt" || lab_fail "pharosctl status failed"
grep -q '^web  *up ' "$d/table.txt" || lab_fail "table: $(cat "$d/table.txt")"
grep -q '^  probe tcp  *tcp  *up ' "$d/table.txt" || lab_fail "table: no tcp probe line"
metrics 'm["pharos_service_up{service=\"web\"}"] == 1 and m["pharos_probe_up{probe=\"tcp\"}"] == 1' ||
	lab_fail "metrics do not say web is up"
lab_wait 20 "session established" st 's["peers"][0]["state"] == "Established"'
lab_wait 5 "route in FRR" lab_frr_has_route r ipv4 203.0.113.80/32
lab_wait 5 "prefix counts" st 's["peers"][0]["prefixes_announced"] == 1 and s["peers"][0]["prefixes_received"]["ipv4"] >= 1' || lab_fail "counts: $(cat "$d/st.json")"
st 's["peers"][0]["address"] == "192.0.2.1" and s["peers"][0]["asn"] == 64500 and s["peers"][0]["hold_time"] == 9 and s["peers"][0]["families"] == ["ipv4"] and s["peers"][0]["uptime"] > 0' ||
	lab_fail "peer details wrong: $(cat "$d/st.json")"
metrics 'm["pharos_peer_established{peer=\"r1\"}"] == 1 and m["pharos_peer_prefixes_announced{peer=\"r1\"}"] == 1 and m["pharos_peer_prefixes_received{peer=\"r1\",family=\"ipv4\"}"] >= 1 and m["pharos_bgp_messages_total{peer=\"r1\",direction=\"out\",type=\"update\"}"] >= 1 and m["pharos_bgp_messages_total{peer=\"r1\",direction=\"in\",type=\"open\"}"] == 1' ||
	lab_fail "peer metrics wrong"
ctl status | grep -q '^r1  *192.0.2.1  *Established .* 1  *[1-9][0-9]*/0 ' || lab_fail "peer table line"
lab_exec p python3 -c 'import urllib.request, urllib.error
try:
    urllib.request.urlopen("http://127.0.0.1:9477/other", timeout=3)
except urllib.error.HTTPError as e:
    raise SystemExit(0 if e.code == 404 else 1)
raise SystemExit(1)' || lab_fail "/other is not a 404"
echo "ok 2 - status --json, the table and /metrics agree with the probes and FRR"

lab_stop "$tcp_pid"
lab_wait 5 "web down" st 'web["state"] == "down" and pr["tcp"]["state"] == "down"'
lab_wait 5 "withdrawn in status" st 's["peers"][0]["prefixes_announced"] == 0'
lab_wait_not 5 "withdrawn in FRR" lab_frr_has_route r ipv4 203.0.113.80/32
st 'pr["flag"]["state"] == "up" and pr["tcp"]["fail"] >= 1' || lab_fail "probe state wrong"
metrics 'm["pharos_service_up{service=\"web\"}"] == 0 and m["pharos_probe_up{probe=\"tcp\"}"] == 0 and m["pharos_probe_checks_total{probe=\"tcp\",result=\"fail\"}"] >= 1' ||
	lab_fail "metrics do not follow the closed port"
listener
lab_wait 5 "web up again" st 'web["state"] == "up"'
rm "$d/flag"
lab_wait 5 "exec probe down" st 'web["state"] == "down" and pr["flag"]["state"] == "down"'
touch "$d/flag"
lab_wait 5 "web up again" st 'web["state"] == "up"'
echo "ok 3 - status and metrics follow a tcp port and an exec probe"

rc=0
ctl drain nope 2>"$d/err" || rc=$?
[ $rc = 1 ] || lab_fail "drain of an unknown service: exit $rc"
grep -q 'no such service: nope' "$d/err" || lab_fail "no error for an unknown service"
ctl drain web || lab_fail "drain failed"
st 'web["state"] == "drained" and web["drained"]' || lab_fail "not drained"
metrics 'm["pharos_service_drained{service=\"web\"}"] == 1 and m["pharos_service_up{service=\"web\"}"] == 0' ||
	lab_fail "metrics do not show the drain"
echo "ok 4 - drain: exit 1 for an unknown service; web drained in status and metrics"

lab_stop "$pid"
[ ! -e "$sock" ] || lab_fail "control socket left behind"
grep -qx 'STOPPING=1' "$d/notify.log" || lab_fail "no STOPPING=1"
rc=0
ctl status >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || lab_fail "pharosctl without an agent: exit $rc"
export NOTIFY_SOCKET="$d/notify.sock"
lab_pharosd p "$(conf)"
pid=$LAB_LASTPID
unset NOTIFY_SOCKET
lab_wait 5 "restarted" st 'True'
sleep 1
st 'web["state"] == "drained" and web["drained"]' || lab_fail "drain forgotten across a restart"
ctl undrain all || lab_fail "undrain failed"
lab_wait 5 "undrained" st 'web["state"] == "up" and not web["drained"]'
echo "ok 5 - a drain survives a restart; STOPPING=1 sent; exit 2 without an agent; undrain"

cp "$d/pharosd.ini" "$d/good.ini"
printf '[service:bad]\nprefixes = nonsense\n' >>"$d/pharosd.ini"
rc=0
ctl reload 2>"$d/err" || rc=$?
[ $rc = 1 ] || lab_fail "reload of a broken file: exit $rc"
grep -q 'pharosd.ini:[0-9]*: \[service:bad\] prefixes' "$d/err" || lab_fail "reload errors not shown: $(cat "$d/err")"
kill -0 "$pid" || lab_fail "pharosd died on a bad reload"
st 'web["state"] == "up" and s["agent"]["reload_failures"] == 1' || lab_fail "state changed"
cp "$d/good.ini" "$d/pharosd.ini"
ctl reload || lab_fail "reload of a good file failed"
st 's["agent"]["reloads"] == 1 and web["state"] == "up"' || lab_fail "reload not counted"
grep -q '^RELOADING=1 MONOTONIC_USEC=[0-9]*$' "$d/notify.log" || lab_fail "no RELOADING=1"
echo "ok 6 - reload of a broken file: exit 1 with file:line errors, nothing changed"

lab_stop "$pid"

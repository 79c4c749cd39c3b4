#!/bin/sh
# t_dnsd.sh: pharos-dnsd in a private network namespace, queried with kdig over UDP and
# TCP: every answer type, EDNS and NSID, CHAOS identity, AXFR allowed and refused, reload
# (good and broken zone), clean exit on SIGTERM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lab/lab.sh"
DNSD=$BUILD/pharos-dnsd
ADDR=192.0.2.53
PORT=5353
pass=0 fail=0

command -v kdig >/dev/null || lab_fail "kdig missing (knot-dnsutils)"
[ -x "$DNSD" ] || lab_fail "$DNSD missing"

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; printf '%s\n' "$2" | sed 's/^/     /'; }
# check NAME EXPECTED ACTUAL: exact equality
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "want: $2
got:  $3"; fi; }
# has NAME PATTERN TEXT: TEXT contains a line matching the grep -E pattern
has() { if printf '%s\n' "$3" | grep -Eq -- "$2"; then ok "$1"; else bad "$1" "no /$2/ in:
$3"; fi; }
hasnt() { if printf '%s\n' "$3" | grep -Eq -- "$2"; then bad "$1" "unexpected /$2/ in:
$3"; else ok "$1"; fi; }

in_ns() { lab_exec dnsd "$@"; }
q() { in_ns kdig @$ADDR -p $PORT +time=2 +retry=0 "$@" 2>&1; }
answers() { [ "$(q +short "$1" A)" = "$2" ]; }

lab_init
DIR=$LAB_DIR
lab_ns dnsd
for a in $ADDR/32 192.0.2.10/32 192.0.2.11/32 2001:db8::53/128; do
	in_ns ip addr add $a dev lo || lab_fail "cannot add $a"
done

write_zone() { # $1: the address of www
	cat > "$DIR/example.com.zone" <<EOF
\$TTL 3600
@ IN SOA ns1 hostmaster ( 1 7200 900 1209600
	300 ) ; negative TTL 300
	NS ns1
	MX 10 mail
ns1 A 192.0.2.1
mail A 192.0.2.25
www A $1
www AAAA 2001:db8::80
alias CNAME www
*.wild TXT "wildcard"
sub NS ns.sub
ns.sub A 192.0.2.54
a.b.ent A 192.0.2.9
EOF
	i=0
	while [ $i -lt 10 ]; do
		printf 'big TXT "%s%s"\n' $i \
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
		    >> "$DIR/example.com.zone"
		i=$((i + 1))
	done
}
write_zone 192.0.2.80
cat > "$DIR/dnsd.ini" <<EOF
# pharos-dnsd test configuration
[dnsd]
listen = $ADDR:$PORT [2001:db8::53]:$PORT
threads = 2
identity = pop1.lab
nsid = pop1
version = "pharos-dnsd test"
allow_transfer = 192.0.2.10
tcp_timeout = 1s
tcp_clients = 4

[zone:example.com]
file = $DIR/example.com.zone
EOF

lab_bg dnsd dnsd "$DNSD" -c "$DIR/dnsd.ini"
pid=$LAB_LASTPID
lab_wait 5 "pharos-dnsd answers" answers www.example.com 192.0.2.80

# exact answers, AA, UDP and TCP, IPv6 transport
check "udp A" "192.0.2.80" "$(q +short www.example.com A)"
check "tcp A" "192.0.2.80" "$(q +tcp +short www.example.com A)"
check "ipv6 transport" "2001:db8::80" "$(in_ns kdig @2001:db8::53 -p $PORT +short www.example.com AAAA)"
out=$(q www.example.com A)
has "aa set" "Flags: qr aa rd;" "$out"
# kdig lowercases the qname, so send this one by hand: the reply must carry our case
case_reply=$(in_ns python3 -c '
import socket, sys
q = bytes.fromhex("abcd00000001000000000000") + b"\x03WwW\x07ExAmple\x03COM\x00\x00\x01\x00\x01"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(q, (sys.argv[1], int(sys.argv[2])))
r = s.recv(512)
print("preserved" if r[12:33] == q[12:33] and r[33:35] == b"\xc0\x0c" else r.hex())
' $ADDR $PORT 2>&1)
check "case preserved" "preserved" "$case_reply"
check "cname chased" "www.example.com.
192.0.2.80" "$(q +short alias.example.com A)"
out=$(q mx example.com)
has "mx answer" "^example.com\..*MX[[:space:]]+10 mail.example.com." "$out"
has "mx additional" "^mail.example.com\..*A[[:space:]]+192.0.2.25" "$out"

# negative answers: the SOA with TTL min(3600, 300)
out=$(q nope.example.com A)
has "nxdomain" "status: NXDOMAIN" "$out"
has "nxdomain soa ttl" "^example.com\.[[:space:]]+300[[:space:]]+IN[[:space:]]+SOA" "$out"
out=$(q www.example.com TXT)
has "nodata" "status: NOERROR" "$out"
has "nodata no answer" "ANSWER: 0; AUTHORITY: 1" "$out"
out=$(q b.ent.example.com A)
has "empty non-terminal is nodata" "status: NOERROR" "$out"

# wildcards and referrals
check "wildcard" '"wildcard"' "$(q +short x.y.wild.example.com TXT)"
out=$(q host.sub.example.com A)
has "referral no aa" "Flags: qr rd;" "$out"
has "referral ns" "^sub.example.com\..*NS[[:space:]]+ns.sub.example.com." "$out"
has "referral glue" "^ns.sub.example.com\..*A[[:space:]]+192.0.2.54" "$out"

# REFUSED, ANY (RFC 8482)
has "refused" "status: REFUSED" "$(q example.org A)"
has "any one rrset" "ANSWER: 1;" "$(q example.com ANY)"

# EDNS: payload size, TC, BADVERS, NSID
out=$(q +bufsize=4096 www.example.com A)
has "edns echoed with 1232" "UDP size: 1232 B" "$out"
out=$(q +ignore +noedns big.example.com TXT)
has "tc without edns" "Flags: qr aa tc rd;" "$out"
out=$(q +ignore +bufsize=4096 big.example.com TXT)
has "tc above 1232" "Flags: qr aa tc rd;" "$out"
out=$(q +tcp big.example.com TXT)
has "tcp carries it all" "ANSWER: 10;" "$out"
has "badvers" "BADVERS" "$(q +edns=1 www.example.com A)"
has "nsid" 'NSID: 706F7031 "pop1"' "$(q +nsid www.example.com A)"
hasnt "no nsid unasked" "NSID" "$(q www.example.com A)"

# CHAOS identity
check "id.server" '"pop1.lab"' "$(q +short CH TXT id.server)"
check "hostname.bind" '"pop1.lab"' "$(q +short CH TXT hostname.bind)"
check "version.bind" '"pharos-dnsd test"' "$(q +short CH TXT version.bind)"

# TCP: several queries on one connection
out=$(q +tcp +keepopen www.example.com A mail.example.com A ns1.example.com A)
check "tcp pipelined" "3" "$(printf '%s\n' "$out" | grep -c 'status: NOERROR')"

# TCP: a half-closed connection still gets its answers; idle connections are closed;
# connections over tcp_clients are refused at once
tcp_reply=$(in_ns python3 -c '
import socket, sys, time
a = (sys.argv[1], int(sys.argv[2]))
q = bytes.fromhex("abcd00000001000000000000") + b"\x03www\x07example\x03com\x00\x00\x01\x00\x01"
m = len(q).to_bytes(2, "big") + q
s = socket.create_connection(a, timeout=3)
s.sendall(m + m)
s.shutdown(socket.SHUT_WR)
d = b""
while True:
    r = s.recv(4096)
    if not r: break
    d += r
print("halfclose", len(d))
s = socket.create_connection(a, timeout=5)
t = time.monotonic()
r = s.recv(10)
print("idle", "closed" if r == b"" and 0.5 < time.monotonic() - t < 3 else "open")
held = [socket.create_connection(a, timeout=3) for i in range(4)]
time.sleep(0.2)
s = socket.create_connection(a, timeout=3)
try:
    r = s.recv(10)
    print("limit", "refused" if r == b"" else "served")
except socket.timeout:
    print("limit served")
' $ADDR $PORT 2>&1)
check "tcp half-close answered" "halfclose 102" "$(printf '%s\n' "$tcp_reply" | grep halfclose)"
check "tcp idle timeout" "idle closed" "$(printf '%s\n' "$tcp_reply" | grep idle)"
check "tcp connection limit" "limit refused" "$(printf '%s\n' "$tcp_reply" | grep limit)"

# AXFR: allowed from 192.0.2.10, refused from 192.0.2.11
out=$(q -b 192.0.2.10 AXFR example.com)
check "axfr soa first and last" "2" "$(printf '%s\n' "$out" | grep -Ec '^example.com\.[[:space:]].*SOA')"
has "axfr carries glue" "^ns.sub.example.com\." "$out"
has "axfr refused" "REFUSED" "$(q -b 192.0.2.11 AXFR example.com)"

# reload: a good zone is picked up, a broken one keeps the old answers
write_zone 192.0.2.81
kill -HUP $pid
lab_wait 5 "the reloaded answer" answers www.example.com 192.0.2.81
check "reload picks up a change" "192.0.2.81" "$(q +short www.example.com A)"
printf 'oops A 192.0.2.999\n' >> "$DIR/example.com.zone"
kill -HUP $pid
lab_wait 5 "the failed reload logged" grep -q "still serving the old data" "$DIR/dnsd.log"
has "broken zone logged with file and line" "example.com.zone:[0-9]+: bad A" "$(cat "$DIR/dnsd.log")"
check "broken zone keeps old answers" "192.0.2.81" "$(q +short www.example.com A)"

# SIGTERM: a clean exit
kill -TERM $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 $pid 2>/dev/null; then bad "sigterm exits" "still running"; else
	wait $pid
	check "sigterm exits 0" "0" "$?"
fi

echo "t_dnsd: $pass passed, $fail failed"
[ $fail -eq 0 ]

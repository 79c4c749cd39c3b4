#!/bin/sh
# t_packaging: the systemd units' hardening (systemd-analyze security exposure <= 2.0,
# verify), the man pages (mandoc -Tlint), and the Debian package: `make deb` into a temp
# dir, lintian without errors, the expected files, extracted (never installed) into a
# temp root where the shipped configuration validates and the units verify.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d /tmp/pharos-t_packaging.$$.XXXXXX)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
fails=0
check() { # check NAME COMMAND...
	name=$1
	shift
	if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fails=$((fails + 1)); fi
}
cd "$root" || exit 1

# exposure UNIT: the overall exposure systemd-analyze gives the unit file, e.g. 1.7.
exposure() {
	systemd-analyze security --offline=yes "$1" 2>/dev/null |
		sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p'
}
at_most() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b + 0) }'; }
for u in pharosd pharos-dnsd; do
	e=$(exposure "packaging/systemd/$u.service")
	echo "     $u.service exposure: $e"
	check "$u.service: exposure $e <= 2.0" at_most "$e" 2.0
done
check "pharosd.service: notify, watchdog, reload by SIGHUP" sh -c \
	'grep -qx "Type=notify" $0 && grep -qx "WatchdogSec=10s" $0 &&
	 grep -qx "ExecReload=/bin/kill -HUP \$MAINPID" $0' packaging/systemd/pharosd.service
check "pharos-dnsd.service: only CAP_NET_BIND_SERVICE" \
	grep -qx "CapabilityBoundingSet=CAP_NET_BIND_SERVICE" packaging/systemd/pharos-dnsd.service

lint() { mandoc -Tlint -Wwarning man/*.[0-9] >"$tmp/mandoc" 2>&1 || { cat "$tmp/mandoc"; return 1; }; }
check "man pages: mandoc -Tlint clean (warnings and up)" lint
# Every key of the schema appears in pharosd.ini(5) and in etc/pharosd.ini.
keys=$(sed -n 's/^    {"\([a-z0-9_]*\)", p_.*/\1/p' agent/config_keys.c | sort -u)
missing=
for k in $keys include; do
	grep -q "^\.It Cm $k\b\|Cm $k ,\|, Cm $k\b" man/pharosd.ini.5 || missing="$missing $k"
	grep -q "^;*$k =\|^;   $k \|;.*\b$k\b" etc/pharosd.ini || missing="$missing etc:$k"
done
[ -z "$missing" ] || echo "     undocumented:$missing"
check "every key documented in pharosd.ini(5) and etc/pharosd.ini" test -z "$missing"

# The package.
make -s deb DEBDIR="$tmp/deb" >"$tmp/make.log" 2>&1
rc=$?
check "make deb" test $rc = 0
[ $rc = 0 ] || { tail -40 "$tmp/make.log"; exit 1; }
deb=$(ls "$tmp"/deb/pharos_*.deb)
lintian "$deb" >"$tmp/lintian" 2>&1
sed 's/^/     lintian: /' "$tmp/lintian"
check "lintian: no errors" sh -c '! grep -q "^E:" "$0"' "$tmp/lintian"
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/files"
want="/usr/sbin/pharosd /usr/sbin/pharos-dnsd /etc/pharos/pharosd.ini /etc/pharos/conf.d/
/lib/systemd/system/pharosd.service /lib/systemd/system/pharos-dnsd.service
/usr/share/man/man8/pharosd.8.gz /usr/share/man/man5/pharosd.ini.5.gz
/usr/share/man/man8/pharosctl.8.gz /usr/share/man/man8/pharos-dnsd.8.gz"
[ -f agent/pharosctl.c ] && want="$want /usr/sbin/pharosctl"
missing=
for f in $want; do grep -qx "$f" "$tmp/files" || missing="$missing $f"; done
[ -z "$missing" ] || echo "     missing from the package:$missing"
check "dpkg-deb -c: binaries, config, units, man pages" test -z "$missing"
dpkg-deb -e "$deb" "$tmp/ctl"
check "postinst creates the pharos user and state dir" sh -c \
	'grep -q "adduser --system" $0 && grep -q "/var/lib/pharos" $0' "$tmp/ctl/postinst"
check "conffile: /etc/pharos/pharosd.ini" grep -qx /etc/pharos/pharosd.ini "$tmp/ctl/conffiles"

# Extracted into a temp root, not installed.
r=$tmp/root
dpkg-deb -x "$deb" "$r"
check "shipped configuration validates with the shipped pharosd" \
	"$r/usr/sbin/pharosd" -t -c "$r/etc/pharos/pharosd.ini"
for u in pharosd pharos-dnsd; do
	sed "s|/usr/sbin/|$r/usr/sbin/|g" "$r/lib/systemd/system/$u.service" >"$tmp/$u.service"
done
check "systemd-analyze verify: both units" \
	systemd-analyze verify --man=no "$tmp/pharosd.service" "$tmp/pharos-dnsd.service"

echo "t_packaging: $fails failed"
[ $fails = 0 ]

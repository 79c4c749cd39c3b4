#!/bin/sh
# t_config: the pharosd command line over the configuration: -t and -T exit codes and
# output, like `nginx -t`. Needs no namespace; runs from any directory.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD="${BUILD:-$root/build}"
pharosd="$BUILD/pharosd"
tmp=$(mktemp -d /tmp/pharos-t_config.$$.XXXXXX)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
fails=0
check() { # check NAME COMMAND...: run, count and print the result
	name=$1; shift
	if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fails=$((fails + 1)); fi
}

cd "$root" || exit 1

"$pharosd" -t -c etc/pharosd.ini >"$tmp/out" 2>"$tmp/err"
check "example validates (exit 0)" test $? = 0
check "example: summary and ok" grep -q "^pharosd: configuration etc/pharosd.ini ok$" "$tmp/out"
check "example: counts" grep -q "^2 services, 4 prefixes (3 on lo), 2 peers, 5 probes$" "$tmp/out"
check "example: nothing on stderr" test ! -s "$tmp/err"

"$pharosd" -t -c tests/config/bad.ini >"$tmp/out" 2>"$tmp/err"
check "bad config exits 1" test $? = 1
echo "pharosd: configuration tests/config/bad.ini has errors" >>"$tmp/want"
cat tests/config/bad.expected "$tmp/want" >"$tmp/want.all"
check "bad config: every error with file and line" diff -u "$tmp/want.all" "$tmp/err"
check "bad config: nothing on stdout" test ! -s "$tmp/out"

"$pharosd" -T -c tests/config/good.ini >"$tmp/out" 2>"$tmp/err"
check "-T exits 0" test $? = 0
check "-T prints the golden normalised config" diff -u tests/config/good.expected "$tmp/out"
"$pharosd" -T -c "$tmp/out" >"$tmp/out2" 2>&1
check "-T output loads again and prints the same" diff -u "$tmp/out" "$tmp/out2"

"$pharosd" -c tests/config/bad.ini >/dev/null 2>&1
check "start with a bad config exits 1" test $? = 1
"$pharosd" -t -c "$tmp/absent.ini" >/dev/null 2>"$tmp/err"
check "missing file exits 1" test $? = 1
check "missing file is named" grep -q "absent.ini: cannot open: No such file or directory" "$tmp/err"
"$pharosd" -h >"$tmp/out"
check "-h prints the synopsis" grep -q "^usage: pharosd \[-c FILE\] \[-t\] \[-T\] \[-d|--debug\] \[-s|--syslog\] \[-V\] \[-h\]$" "$tmp/out"
"$pharosd" -V >"$tmp/out"
check "-V prints the version" grep -q "^pharosd $(cat VERSION)$" "$tmp/out"
"$pharosd" -Z >/dev/null 2>&1
check "unknown option exits 1" test $? = 1

sed -n '/^```ini/,/^```$/p' README.md | sed '1d;$d' >"$tmp/readme.ini"
"$pharosd" -t -c "$tmp/readme.ini" >/dev/null 2>&1
check "the README's example validates" test $? = 0

echo "t_config: $fails failed"
[ "$fails" = 0 ]

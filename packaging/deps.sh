#!/bin/sh
# deps.sh: install the Debian 12 packages pharos needs, only when something is missing.
#   deps.sh build   compile pharos
#   deps.sh check   build + run every test (make check)
#   deps.sh demo    build + run the lab demo (make demo)
#   deps.sh deb     build the Debian package (make deb)
#   deps.sh bench   build + lab + the peers measured beside pharos (make bench)
# Idempotent: with everything present it runs no apt-get at all.
set -eu

build="build-essential pkg-config libmnl-dev libinih-dev libcurl4-openssl-dev libmicrohttpd-dev"
lab="iproute2 frr bird2 knot-dnsutils nftables procps python3"
deb="$build debhelper dpkg-dev fakeroot lintian"
check="$build $lab libcmocka-dev clang-format clang libclang-rt-14-dev python3 valgrind openssl debhelper dpkg-dev fakeroot lintian mandoc ansible-core"
demo="$build $lab"
bench="$build $lab exabgp nsd knot dnsperf linux-perf"

case "${1:-check}" in
build) want=$build ;;
check) want=$check ;;
demo)  want=$demo ;;
deb)   want=$deb ;;
bench) want=$bench ;;
*) echo "usage: $0 build|check|demo|deb|bench" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root, or install them)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# FRR, BIRD, NSD, Knot and ExaBGP must not start system-wide daemons: the lab and the
# bench run their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

#!/bin/sh
# t_demo: `make demo` works, with FRR as the router and with BIRD 2 as the alternative:
# the failover is seen in the router's FIB and the client moves to the other PoP.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for router in frr bird; do
	out=$(ANYCAST_ROUTER=$router sh "$here/../lab/demo.sh" 2>&1) || {
		printf '%s\n' "$out" | tail -40
		echo "FAIL: demo with $router"
		exit 1
	}
	printf '%s\n' "$out" | grep -q 'withdrawal reached the router.s kernel FIB [0-9]* ms' ||
		{ printf '%s\n' "$out" | tail -40; echo "FAIL: no failover time ($router)"; exit 1; }
	printf '%s\n' "$out" | grep -q 'the client is now answered by PoP: p[12]' ||
		{ echo "FAIL: client did not move ($router)"; exit 1; }
	echo "ok - demo with $router: $(printf '%s\n' "$out" | grep -o 'FIB [0-9]* ms')"
done

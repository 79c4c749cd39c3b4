#!/bin/sh
# run.sh: run every tests/integration/t_*.sh (as root: they make network namespaces).
# Each test prints its own checks; this prints one line per test and the total.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export BUILD="${BUILD:-$here/../../build}"
if [ "$(id -u)" != 0 ]; then
	echo "integration: needs root for network namespaces" >&2
	[ "${CI:-}" = true ] && exit 1
	echo "integration: 0 passed, 0 failed, all skipped (not root)"
	exit 0
fi
pass=0 fail=0 failed=
logdir=$(mktemp -d /tmp/pharos-it.XXXXXX)
for t in "$here"/t_*.sh; do
	[ -f "$t" ] || continue
	[ -n "${ONLY:-}" ] && case "$t" in *"$ONLY"*) ;; *) continue ;; esac
	name=$(basename "$t" .sh)
	start=$(date +%s)
	if timeout 600 sh "$t" >"$logdir/$name.log" 2>&1; then
		pass=$((pass + 1)); res=ok
	else
		fail=$((fail + 1)); res=FAIL; failed="$failed $name"
		sed 's/^/    /' "$logdir/$name.log" | tail -60
	fi
	printf 'integration %-28s %s (%ss)\n' "$name" "$res" "$(($(date +%s) - start))"
done
echo "integration: $pass passed, $fail failed"
[ -z "$failed" ] || { echo "integration: failing:$failed (logs in $logdir)" >&2; exit 1; }
rm -rf "$logdir"

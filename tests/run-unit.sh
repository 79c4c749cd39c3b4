#!/bin/sh
# run-unit.sh: run each cmocka program; one summary line per program, then a total.
set -u
pass=0 fail=0 failed=
for t in "$@"; do
	name=$(basename "$t")
	out=$("$t" 2>&1)
	rc=$?
	n=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	n=${n:-0} f=${f:-0}
	if [ $rc -ne 0 ]; then
		printf '%s\n' "$out" | grep -v '^\[ \(RUN\|      OK\) ' >&2
		[ "$f" = 0 ] && f=1
		failed="$failed $name"
	fi
	printf 'unit %-24s %3d passed, %d failed\n' "$name" "$n" "$f"
	pass=$((pass + n)) fail=$((fail + f))
done
echo "unit: $pass passed, $fail failed"
[ -z "$failed" ] || { echo "unit: failing:$failed" >&2; exit 1; }

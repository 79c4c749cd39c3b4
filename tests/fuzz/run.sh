#!/bin/sh
# run.sh SECONDS BIN...: run each libFuzzer harness for SECONDS on a copy of its corpus
# (tests/fuzz/corpus/<name without fuzz_>/), so runs never write into the repository.
# Prints one line per harness (executions, corpus growth); a crash, leak or timeout
# fails the run and leaves the reproducer and the log in $BUILD/fuzz/artifacts/.
set -u
secs=$1
shift
here=$(dirname "$0")
art=${BUILD:-build}/fuzz/artifacts
work=$(mktemp -d "${TMPDIR:-/tmp}/pharos-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=
for bin in "$@"; do
	name=$(basename "$bin")
	corpus=$here/corpus/${name#fuzz_}
	mkdir -p "$work/$name/corpus" "$work/$name/art"
	[ -d "$corpus" ] && cp "$corpus"/* "$work/$name/corpus/" 2>/dev/null
	seeds=$(ls "$work/$name/corpus" | wc -l)
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
		-print_final_stats=1 -artifact_prefix="$work/$name/art/" \
		"$work/$name/corpus" >"$work/$name/log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name/log")
	now=$(ls "$work/$name/corpus" | wc -l)
	if [ $rc -ne 0 ]; then
		mkdir -p "$art"
		cp "$work/$name/art/"* "$art/" 2>/dev/null
		cp "$work/$name/log" "$art/$name.log"
		grep -m1 -A12 '^==[0-9]*==ERROR\|^SUMMARY\|deadly signal\|timeout' "$work/$name/log" >&2
		printf 'fuzz %-20s FAILED (rc %d) after %s runs: see %s/%s.log\n' "$name" $rc \
			"${runs:-?}" "$art" "$name" >&2
		failed="$failed $name"
	else
		printf 'fuzz %-20s %10s runs in %ss, corpus %d -> %d\n' "$name" "${runs:-?}" \
			"$secs" "$seeds" "$now"
	fi
done
[ -z "$failed" ] || { echo "fuzz: crashes in:$failed" >&2; exit 1; }
echo "fuzz: $# harnesses, no crash"

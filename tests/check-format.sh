#!/bin/sh
# check-format.sh: every C file follows .clang-format.
set -u
command -v clang-format >/dev/null || { echo "check-format: clang-format missing" >&2; exit 1; }
bad=
for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build/*'); do
	[ -f "$f" ] || continue
	clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
if [ -n "$bad" ]; then
	echo "check-format: not formatted (run clang-format -i):$bad" >&2
	exit 1
fi
echo "check-format: ok"

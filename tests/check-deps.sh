#!/bin/sh
# check-deps.sh: enforce the layering lib/ <- {netlink, probes, bgp} <- agent; dnsd -> lib.
# A folder may include its own headers and those of the layers it is allowed to see.
set -u
allowed() {
	case "$1" in
	lib) echo "lib" ;;
	netlink) echo "lib netlink" ;;
	probes) echo "lib probes" ;;
	bgp) echo "lib bgp" ;;
	agent) echo "lib netlink probes bgp agent" ;;
	dnsd) echo "lib dnsd" ;;
	esac
}
bad=0
for dir in lib netlink probes bgp agent dnsd; do
	[ -d "$dir" ] || continue
	ok=$(allowed "$dir")
	for f in "$dir"/*.c "$dir"/*.h; do
		[ -f "$f" ] || continue
		grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
		while IFS= read -r line; do
			inc=$(printf '%s' "$line" | sed 's/.*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/')
			top=${inc%%/*}
			[ "$top" = "$inc" ] && { echo "$f: include \"$inc\" must name its folder"; continue; }
			case " $ok " in *" $top "*) ;; *) echo "$f:${line%%:*}: $dir/ may not include $inc" ;; esac
		done
	done
done > "${TMPDIR:-/tmp}/pharos-check-deps.$$"
if [ -s "${TMPDIR:-/tmp}/pharos-check-deps.$$" ]; then
	cat "${TMPDIR:-/tmp}/pharos-check-deps.$$" >&2
	bad=1
fi
rm -f "${TMPDIR:-/tmp}/pharos-check-deps.$$"
# Only the module that owns a library includes it.
for pair in "libmnl/:netlink" "curl/:probes" "ini.h:agent/config.c" "microhttpd.h:agent/metrics_http.c"; do
	pat=${pair%%:*} owner=${pair#*:}
	hits=$(grep -l "#include <$pat" lib/*.[ch] netlink/*.[ch] probes/*.[ch] bgp/*.[ch] \
		agent/*.[ch] dnsd/*.[ch] 2>/dev/null | grep -v "^$owner" || true)
	[ -z "$hits" ] || { echo "only $owner may include <$pat>: $hits" >&2; bad=1; }
done
[ $bad = 0 ] && echo "check-deps: layering ok"
exit $bad

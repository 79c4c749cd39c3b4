#!/bin/sh
# t_valgrind: pharosd under valgrind memcheck through a busy life — start, probe flapping
# as the responder dies and returns, a drain and undrain over the control socket, a
# reload, a reload of a broken file, SIGTERM — must report no error and no leak.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lab/lab.sh"
. "$here/../lab/anycast.sh"
command -v valgrind >/dev/null || lab_fail "valgrind missing"
# valgrind cannot run an AddressSanitizer binary; in a SANITIZE=1 build ASan and LSan
# check the same paths (every other integration test runs that pharosd).
if grep -q fsanitize "$BUILD/.flags" 2>/dev/null; then
	echo "ok - sanitizer build: memory checked by ASan/LSan instead of valgrind"
	exit 0
fi
lab_init
PHAROSD_WRAPPER="valgrind --leak-check=full --show-leak-kinds=definite,indirect \
--errors-for-leak-kinds=definite,indirect --error-exitcode=99 --child-silent-after-fork=yes"
ANYCAST_INTERVAL=100ms
ANYCAST_TIMEOUT=80ms
anycast_up 1
ctl() { lab_exec p1 "$BUILD/pharosctl" -s "$LAB_DIR/p1/pharosd.sock" "$@"; }
anycast_dnsd_stop 1
lab_wait 10 "withdrawn" anycast_paths_are 0
anycast_dnsd_start 1
lab_wait 10 "announced again" anycast_paths_are 1
ctl drain dns >/dev/null
lab_wait 10 "drained" anycast_paths_are 0
ctl undrain dns >/dev/null
lab_wait 10 "undrained" anycast_paths_are 1
ctl status --json >/dev/null
kill -HUP "$ANYCAST_PHAROSD_1"
cp "$LAB_DIR/p1/pharosd.ini" "$LAB_DIR/p1/good.ini"
echo 'bogus = 1' >>"$LAB_DIR/p1/pharosd.ini"
rc=0
ctl reload >/dev/null 2>&1 || rc=$?
[ $rc = 1 ] || lab_fail "a broken reload answered $rc"
cp "$LAB_DIR/p1/good.ini" "$LAB_DIR/p1/pharosd.ini"
kill -TERM "$ANYCAST_PHAROSD_1"
rc=0
wait "$ANYCAST_PHAROSD_1" || rc=$?
grep -E 'ERROR SUMMARY|definitely lost|indirectly lost' "$LAB_DIR/pharosd-p1.log" || true
[ $rc = 0 ] || lab_fail "pharosd under valgrind exited $rc (99: memcheck errors or leaks)"
grep -q 'ERROR SUMMARY: 0 errors' "$LAB_DIR/pharosd-p1.log" || lab_fail "memcheck errors"
echo "ok - pharosd valgrind-clean through flaps, drain, reloads and SIGTERM"

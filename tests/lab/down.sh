#!/bin/sh
# down.sh LAB: tear down a lab left up with KEEP=1 (its namespaces, FRR, processes).
set -u
[ $# = 1 ] || { echo "usage: $0 LAB (e.g. ph1234)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
LAB=$1
LAB_DIR=$(ls -d /tmp/pharos-lab."$LAB".* 2>/dev/null | head -1)
[ -n "$LAB_DIR" ] || { echo "no lab $LAB" >&2; exit 1; }
LAB_PIDS=$(cat "$LAB_DIR/pids" 2>/dev/null)
LAB_NS=$(ip netns list | sed -n "s/^$LAB-\([^ ]*\).*/\1/p" | tr '\n' ' ')
LAB_FRR=$(ls /run/frr 2>/dev/null | sed -n "s/^$LAB-//p" | tr '\n' ' ')
lab_cleanup

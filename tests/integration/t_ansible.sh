#!/bin/sh
# t_ansible: the Ansible role (packaging/ansible/roles/pharos) run by ansible-playbook with
# a local connection into a temporary root: the files it renders validate with pharosd -t,
# a second run changes nothing, and a variable set that does not validate fails at the
# validate step and leaves the old file in place. No package install, no reload.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD="${BUILD:-$root/build}"
tmp=$(mktemp -d /tmp/pharos-t_ansible.$$.XXXXXX)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
fails=0
check() { # check NAME COMMAND...
	name=$1
	shift
	if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fails=$((fails + 1)); fi
}
command -v ansible-playbook >/dev/null || {
	echo "t_ansible: ansible-playbook missing (packaging/deps.sh check installs it)"
	exit 1
}
export ANSIBLE_LOCAL_TEMP="$tmp/ansible-tmp" ANSIBLE_REMOTE_TEMP="$tmp/ansible-tmp"
export ANSIBLE_ROLES_PATH="$root/packaging/ansible/roles" ANSIBLE_NOCOLOR=1
export ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export HOME="$tmp"
etc=$tmp/root/etc/pharos

# vars FILE [BADPREFIX]: the variables; BADPREFIX replaces the www service's prefix.
vars() {
	cat >"$1" <<EOV
pharos_root: $tmp/root
pharos_install_package: false
pharos_reload: false
pharos_pharosd: $BUILD/pharosd
pharos_agent:
  asn: 64496
  router_id: 192.0.2.1
  state_dir: /var/lib/pharos
  keep_addresses: false
pharos_peers:
  - {name: rtr1, address: 198.51.100.1, asn: 64497, families: [ipv4]}
  - {name: rtr2, address: "2001:db8::1", asn: 64497, passive: true}
pharos_probes:
  - {name: dns-soa, type: dns, server: "127.0.0.1:53", qname: example.com.}
pharos_services:
  - name: dns
    prefixes: [192.0.2.53/32, "2001:db8:53::53/128"]
    probes: [dns-soa]
    communities: ["64496:53", no-export]
  - name: www
    prefixes: [${2:-203.0.113.80/32}]
    probes: [www-http]
    peers: [rtr1]
    probe_defs:
      - {name: www-http, type: http, url: "http://127.0.0.1:8080/healthz", expect_status: [200, 204]}
EOV
}
cat >"$tmp/play.yml" <<'EOP'
- hosts: localhost
  connection: local
  gather_facts: false
  roles: [pharos]
EOP
play() { ansible-playbook -i localhost, -e "@$1" "$tmp/play.yml" >"$2" 2>&1; }

vars "$tmp/good.yml"
play "$tmp/good.yml" "$tmp/run1.log"
rc=$?
check "first run succeeds" test $rc = 0
[ $rc = 0 ] || tail -30 "$tmp/run1.log"
check "pharosd.ini and one conf.d file per service" \
	test -f "$etc/pharosd.ini" -a -f "$etc/conf.d/dns.ini" -a -f "$etc/conf.d/www.ini"
"$BUILD/pharosd" -t -c "$etc/pharosd.ini" >"$tmp/t.out" 2>&1
check "the rendered files validate with pharosd -t" test $? = 0
check "all of them are read" grep -q "^2 services, 3 prefixes (3 on lo), 2 peers, 2 probes$" \
	"$tmp/t.out"
"$BUILD/pharosd" -T -c "$etc/pharosd.ini" >"$tmp/T.out" 2>&1
check "values rendered: lists, booleans" sh -c 'grep -qx "passive = yes" "$0" &&
	grep -qx "expect_status = 200, 204" "$0" && grep -qx "keep_addresses = no" "$0"' "$tmp/T.out"

play "$tmp/good.yml" "$tmp/run2.log"
check "second run: idempotent (changed=0)" grep -q "changed=0 .*failed=0" "$tmp/run2.log"

# Host bits set: the www file must not validate; the old one stays.
cp "$etc/conf.d/www.ini" "$tmp/www.before"
vars "$tmp/bad.yml" 203.0.113.80/24
play "$tmp/bad.yml" "$tmp/run3.log"
check "an invalid service fails the run" test $? != 0
check "it fails at the validate step" grep -q "failed to validate" "$tmp/run3.log"
check "the old conf.d file is left in place" cmp -s "$tmp/www.before" "$etc/conf.d/www.ini"
"$BUILD/pharosd" -t -c "$etc/pharosd.ini" >/dev/null 2>&1
check "the configuration on disk still validates" test $? = 0

# A peer removed while a service still names it: pharosd.ini itself is refused.
cp "$etc/pharosd.ini" "$tmp/ini.before"
sed 's/^  - {name: rtr1.*//' "$tmp/good.yml" >"$tmp/bad2.yml"
play "$tmp/bad2.yml" "$tmp/run4.log"
check "pharosd.ini checked against the services already there" test $? != 0
check "the old pharosd.ini is left in place" cmp -s "$tmp/ini.before" "$etc/pharosd.ini"

# The peer and the only service naming it removed together: one run, the file pruned.
python3 - "$tmp/good.yml" "$tmp/shrink.yml" <<'EOPY'
import sys
out, skip = [], False
for line in open(sys.argv[1]):
    if line.startswith("  - {name: rtr1"):
        continue
    if line.startswith("  - name: www"):
        skip = True
    elif skip and not line.startswith("    "):
        skip = False
    if not skip:
        out.append(line)
open(sys.argv[2], "w").writelines(out)
EOPY
play "$tmp/shrink.yml" "$tmp/run5.log"
check "a peer and its service removed in one run" test $? = 0
check "the service's file is pruned" test ! -e "$etc/conf.d/www.ini"
"$BUILD/pharosd" -t -c "$etc/pharosd.ini" >"$tmp/t.out" 2>&1
check "what is left validates" grep -q "^1 service, 2 prefixes (2 on lo), 1 peer, 1 probe$" "$tmp/t.out"

echo "t_ansible: $fails failed"
[ $fails = 0 ]

#!/bin/sh
# mkdeb.sh OUTDIR: build the pharos Debian package from this source tree (make deb).
# Copies the tree (tracked and untracked, not ignored, files) to OUTDIR/pharos-VERSION,
# adds packaging/debian as debian/ with a changelog for VERSION, and runs
# dpkg-buildpackage there, so the source tree itself stays free of debian/ and build
# products. Prints the path of the .deb.
set -eu

out=${1:?usage: mkdeb.sh OUTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(cat "$top/VERSION")
mkdir -p "$out"
out=$(cd "$out" && pwd)
src=$out/pharos-$version
rm -rf "$src"
mkdir -p "$src"

cd "$top"
if [ -d .git ] || [ -f .git ]; then
	git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src"
else
	tar -cf - --exclude=./build --exclude='./build-*' . | tar -xf - -C "$src"
fi
cp -r packaging/debian "$src/debian"

# The changelog's date: the last commit's, so that two builds of one commit match.
when=$(git log -1 --format=%cD 2>/dev/null || date -R)
cat > "$src/debian/changelog" <<EOC
pharos ($version) unstable; urgency=medium

  * Upstream release $version.

 -- pharos maintainers <maintainers@users.noreply.r-seed-006f41f7.example>  $when
EOC

cd "$src"
# The caller's make variables (BUILD from make integration, DESTDIR, ...) must not leak
# into the package build: dh_auto_clean would `make clean` the caller's build directory.
unset BUILD DESTDIR PREFIX SBINDIR BINDIR SYSCONFDIR MANDIR SANITIZE MAKEFLAGS MAKELEVEL MFLAGS
dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "mkdeb: dpkg-buildpackage failed, see $out/build.log" >&2
	exit 1
}
ls "$out"/pharos_"$version"_*.deb

#!/usr/bin/env bash
# Installs the build tree into a scratch prefix and uses it as a user would:
# the installed tools assemble, check and run a program with no source tree
# in sight, the installed s32sim names its installed waveform view, and
# every man page renders.  install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
prefix=$(mktemp -d "${TMPDIR:-/tmp}/s32install.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" > /dev/null
cd "$prefix"
for f in bin/s32sim bin/s32as bin/s32dis share/man/man1/s32sim.1 share/man/man1/s32as.1 share/man/man1/s32dis.1 \
    share/s32sim/waves/s32sim.gtkw share/s32sim/waves/cpu_state.gtkwfilter share/s32sim/waves/opcode.gtkwfilter; do
  [[ -e $f ]] || { echo "not installed: $f"; exit 1; }
done
bin/s32as --mmio -o hello.s32x "$src/sw/examples/hello_ring.s" "$src/sw/lib/ring.s" "$src/sw/lib/io.s" "$src/sw/lib/string.s"
bin/s32dis --headers hello.s32x > /dev/null
[[ $(bin/s32sim -q hello.s32x) == "Hello, ring!" ]] || { echo "installed s32sim did not run the program"; exit 1; }
# The help is read whole first: grep -q stops at the match, and under
# pipefail the SIGPIPE s32sim then gets would fail the pipeline.
help=$(bin/s32sim --help)
grep -q "$prefix/share/s32sim/waves/s32sim.gtkw" <<< "$help" || { echo "s32sim --help does not name the installed view"; exit 1; }
grep -q "^\^1 $prefix/share/s32sim/waves/cpu_state.gtkwfilter" share/s32sim/waves/s32sim.gtkw || { echo "view names no installed filter"; exit 1; }
for page in s32sim s32as s32dis; do
  text=$(MANWIDTH=80 man -l "share/man/man1/$page.1" 2> man.err)
  [[ ! -s man.err ]] || { cat man.err; exit 1; }
  grep -q -- "--version" <<< "$text" || { echo "$page.1 renders without its options"; exit 1; }
done
echo "installed and ran from $prefix"

#!/usr/bin/env bash
# Runs a command with the wall clock of every process it starts shifted, native ones and children
# with a clean environment included: libfaketime preloaded through /etc/ld.so.preload, with the
# offset in /etc/faketimerc, both in an overlay of /etc inside a private mount namespace, so nothing
# outside the command is shifted. Needs root (unshare, mount) and Debian's faketime package
# (apt-get install -y faketime).
#
#   scripts/faketime-run.sh +400d npx jest
#   scripts/faketime-run.sh -3d npx jest test/poller
#
# `npm test` runs the lighter, Node-only version of this (scripts/test-shifted-clock.mjs).
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 <offset, e.g. +400d or -3d> <command> [args...]" >&2
  exit 2
fi
lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1 || true)
if [[ -z $lib ]]; then
  echo "libfaketime is not installed: run apt-get install -y faketime" >&2
  exit 1
fi
inner='
set -euo pipefail
lib=$1 offset=$2
shift 2
scratch=$(mktemp -d)
mount -t tmpfs vw-faketime "$scratch"
mkdir "$scratch/upper" "$scratch/work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$scratch/upper,workdir=$scratch/work" /etc
echo "$lib" > /etc/ld.so.preload
echo "$offset" > /etc/faketimerc
exec "$@"'
exec unshare --mount --propagation private bash -c "$inner" faketime-run "$lib" "$@"

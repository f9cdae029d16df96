#!/usr/bin/env bash
# Regenerates msr-mappings.txt: Tentacle's `crushtool --test --show-mappings` of the msr rules of
# msr-rules.txt (compiled by Tentacle's crushtool) and of rule 2 (msrpool) of the Tentacle
# fixture map, for the cases listed below. Needs the Tentacle oracle chroot
# (scripts/ceph-oracles.sh build tentacle) and root.
#   bash test/unit/crush/golden/make-msr-golden.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$here/msr-rules.txt" "$repo/test/fixtures/maps/tentacle-crushmap.bin" "$tmp/"
run() { bash "$repo/scripts/ceph-oracles.sh" exec tentacle --bind "$tmp" -- "$@"; }
run crushtool -c "$tmp/msr-rules.txt" -o "$tmp/msr-rules.bin" >/dev/null
out="$here/msr-mappings.txt"
: > "$out"
while read -r map args; do
  [ -n "$map" ] || continue
  echo "# $map $args" >> "$out"
  # shellcheck disable=SC2086
  run crushtool -i "$tmp/$map" --test --show-mappings --min-x 0 --max-x 255 $args >> "$out"
done <<'CASES'
tentacle-crushmap.bin --rule 2 --num-rep 6
tentacle-crushmap.bin --rule 2 --num-rep 4 --weight 2 0
tentacle-crushmap.bin --rule 2 --num-rep 8 --weight 3 0 --weight 4 0.5
tentacle-crushmap.bin --rule 2 --num-rep 6 --pool-id 3
msr-rules.bin --rule 0 --num-rep 4
msr-rules.bin --rule 0 --num-rep 3 --weight 0 0 --weight 7 0.25
msr-rules.bin --rule 1 --num-rep 5
msr-rules.bin --rule 1 --num-rep 3 --weight 2 0
msr-rules.bin --rule 2 --num-rep 6
msr-rules.bin --rule 2 --num-rep 6 --weight 5 0 --weight 6 0
CASES

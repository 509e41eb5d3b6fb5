#!/usr/bin/env bash
# The corpus target of issue 9, before and after in one run: `parse --check` (one thread)
# and `check` (rayon's default pool, then one thread) of two cysafe binaries, with
# hyperfine. On a shared machine compare the CPU time (user + system), not the wall time.
#
#   benches/corpus.sh BEFORE [AFTER [CORPUS [RUNS]]]
#
# AFTER defaults to target/release/cysafe, CORPUS to ~/.cache/cysafe-corpus, RUNS to 5.
# Each command's means are printed as "wall, user + system", then the analysis's
# share on top of parsing alone (check's CPU over parse --check's, one thread each).
set -euo pipefail

if [[ $# -lt 1 ]]; then
    sed -n '2,10p' "$0" >&2
    exit 2
fi
before=$1
after=${2:-target/release/cysafe}
corpus=${3:-$HOME/.cache/cysafe-corpus}
runs=${4:-5}
for binary in "$before" "$after"; do
    [[ -x $binary ]] || { echo "corpus.sh: $binary is not an executable" >&2; exit 2; }
done
[[ -d $corpus ]] || { echo "corpus.sh: no corpus at $corpus" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "corpus.sh: hyperfine is not installed" >&2; exit 2; }

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# `check` exits 1 when it reports diagnostics, `parse --check` when a file has a syntax
# error: hyperfine must not stop there (-i).
hyperfine -N -i -w 1 -r "$runs" --export-json "$results/pool.json" \
    -n "parse --check, before" "$before parse --check $corpus" \
    -n "parse --check, after" "$after parse --check $corpus" \
    -n "check, before" "$before check $corpus" \
    -n "check, after" "$after check $corpus" >/dev/null 2>&1
RAYON_NUM_THREADS=1 hyperfine -N -i -w 1 -r "$runs" --export-json "$results/one.json" \
    -n "check on one thread, before" "$before check $corpus" \
    -n "check on one thread, after" "$after check $corpus" >/dev/null 2>&1
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results/pool.json" "$results/one.json" <<'EOF'
import json, sys

cpu = {}
for path in sys.argv[1:]:
    for result in json.load(open(path))["results"]:
        name = result["command"]
        cpu[name] = result["user"] + result["system"]
        print(f"{name:32} {result['mean']:6.2f} s wall, {cpu[name]:5.2f} s CPU")
for side in ("before", "after"):
    parse = cpu[f"parse --check, {side}"]
    check = cpu[f"check on one thread, {side}"]
    print(f"analysis adds {100 * (check - parse) / parse:3.0f}% CPU on top of parsing, {side}")
EOF

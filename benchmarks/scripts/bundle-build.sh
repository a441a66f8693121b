#!/usr/bin/env bash
# pkgr build of a 10,000-file / 200 MB tree beside `tar czf` of the same tree, in one hyperfine run.
#   benchmarks/scripts/bundle-build.sh [WORKDIR]
# Needs: hyperfine (apt). Memory: pkgr runs with -Xmx64m; peak RSS is printed for both.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"

if [[ ! -f "$work/tree/pkgr.yaml" ]]; then
  python3 - "$work/tree" <<'PY'
import base64, os, random, sys
random.seed(42)
root = sys.argv[1]
words = "def return import self data model train value for in if else print numpy pandas frame".split()
for i in range(10000):
    d = os.path.join(root, "src", "pkg%03d" % (i // 100))
    os.makedirs(d, exist_ok=True)
    size = random.randint(4000, 36000)
    if i % 2 == 0:   # half incompressible-ish (model weights, parquet), half source-like text
        data = base64.b64encode(os.urandom(size * 3 // 4))[:size]
    else:
        data = "".join(" ".join(random.choice(words) for _ in range(8)) + "\n" for _ in range(size // 40)).encode()
    open(os.path.join(d, "f%05d.py" % i), "wb").write(data)
open(os.path.join(root, "pkgr.yaml"), "w").write(
    'name: bench\nversion: 1.0.0\nruntime: exec\ninclude: ["src/**"]\nentrypoints:\n  run: {command: [sh, -c, "true"]}\n')
PY
fi
"$root/pkgr" --version >/dev/null   # build the CLI outside the timing
du -sh "$work/tree"
hyperfine -N -w 1 -r "${RUNS:-5}" --export-markdown "$work/bundle-build.md" --export-json "$work/bundle-build.json" \
  "tar czf $work/tree.tgz -C $work/tree src" \
  "env PKGR_JAVA_OPTS=-Xmx64m $root/pkgr build -C $work/tree -o $work/out"
for cmd in "tar czf $work/tree.tgz -C $work/tree src" "env PKGR_JAVA_OPTS=-Xmx64m $root/pkgr build -C $work/tree -o $work/out"; do
  /usr/bin/time -f "peak RSS %M KiB: $cmd" $cmd >/dev/null
done

#!/usr/bin/env bash
# The repository's own implementation matrix (`npm run matrix`; .ci/run runs it after the tests):
# the compiled kit (npm run build) certifies the reference runtime in process, the reference
# over stdio (`mplp-conformance serve` as a runtime process) and the Python example, each at
# full level with one seed, then `mplp-conformance matrix` writes reports/matrix/matrix.html and
# matrix.md. Any run that is not conformant fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

SEED="${MPLP_MATRIX_SEED:-20260101}"
OUT=reports/matrix
KIT=(node dist/src/cli/bin.js)
[ -f dist/src/cli/bin.js ] || npm run build
rm -rf "$OUT"

run() {
  local name="$1"; shift
  echo "== $name"
  "${KIT[@]}" run "$@" --seed "$SEED" --format quiet --report-dir "$OUT/$name"
}

run reference
run reference-stdio --adapter "exec:node dist/src/cli/bin.js serve"
run python-example --adapter examples/python-runtime/mplp-adapter.json

"${KIT[@]}" matrix "$OUT"/reference/latest/report.json "$OUT"/reference-stdio/latest/report.json "$OUT"/python-example/latest/report.json \
  --label "reference (in process)" --label "reference (stdio)" --label "Python example (stdio)" \
  --out "$OUT/matrix.html" --out "$OUT/matrix.md"

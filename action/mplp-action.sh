#!/usr/bin/env bash
# The steps of action.yml (the mplp-conformance GitHub Action), kept in a script so they can be
# run and tested outside GitHub. Usage: mplp-action.sh install | run
#   install  puts the kit in $RUNNER_TEMP (INPUT_KIT: an npm spec or a tarball; default: this
#            action's own version from npm; "action": build this checkout of the kit) and writes
#            its command to $GITHUB_ENV as MPLP_KIT_BIN.
#   run      runs the kit (or merges shard reports when INPUT_MERGE is set), writes the job
#            summary and the step outputs, and exits with the kit's exit code.
# Inputs arrive as INPUT_* variables (see action.yml); annotations are the kit's own (GITHUB_ACTIONS=true).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${GITHUB_OUTPUT:-/dev/null}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"

fail() { echo "::error title=mplp-conformance action::$*"; exit 4; }

install_kit() {
  local kit="${INPUT_KIT:-}" prefix="${RUNNER_TEMP:-/tmp}/mplp-conformance-kit" bin
  if [ "$kit" = "action" ]; then
    (cd "$here" && npm ci --no-audit --no-fund && npm run build) || fail "building the kit in $here failed"
    bin="$here/dist/src/cli/bin.js"
  else
    if [ -z "$kit" ]; then kit="mplp-conformance@$(node -p "require('$here/package.json').version")"; fi
    mkdir -p "$prefix" && [ -f "$prefix/package.json" ] || echo '{"private":true}' > "$prefix/package.json"
    npm install --prefix "$prefix" --omit=dev --no-audit --no-fund "$kit" || fail "npm install $kit failed"
    bin="$prefix/node_modules/.bin/mplp-conformance"
  fi
  [ -e "$bin" ] || fail "the kit's command is missing after the install: $bin"
  echo "MPLP_KIT_BIN=$bin" >> "${GITHUB_ENV:-/dev/null}"
  echo "kit-bin=$bin" >> "$out"
  echo "mplp-conformance: $("$bin" --version) installed ($bin)"
}

# Splits a comma/newline separated input into repeated flags.
each() {
  local flag="$1" value="$2" item
  local IFS=$',\n'
  for item in $value; do
    item="$(echo "$item" | xargs)"
    [ -n "$item" ] && args+=("$flag" "$item")
  done
}

run_kit() {
  local bin="${MPLP_KIT_BIN:-}" dir="${INPUT_REPORT_DIR:-mplp-reports}" format="${INPUT_FORMAT:-pretty}"
  [ -n "$bin" ] || fail "MPLP_KIT_BIN is not set: run the install step first"
  local -a cmd
  if [[ "$bin" == *.js ]]; then cmd=(node "$bin"); else cmd=("$bin"); fi
  args=()
  local name="mplp-conformance-report"
  if [ -n "${INPUT_MERGE:-}" ]; then
    shopt -s globstar nullglob
    # shellcheck disable=SC2206
    local files=(${INPUT_MERGE})
    [ "${#files[@]}" -gt 0 ] || fail "merge: no file matches ${INPUT_MERGE}"
    args=(merge "${files[@]}")
  else
    args=(run)
    [ -n "${INPUT_ADAPTER:-}" ] && args+=(--adapter "$INPUT_ADAPTER")
    [ -n "${INPUT_LEVEL:-}" ] && args+=(--level "$INPUT_LEVEL")
    each --only "${INPUT_ONLY:-}"
    each --exclude "${INPUT_EXCLUDE:-}"
    each --upstream "${INPUT_UPSTREAM:-}"
    [ -n "${INPUT_SEED:-}" ] && args+=(--seed "$INPUT_SEED")
    if [ -n "${INPUT_SHARD:-}" ]; then
      args+=(--shard "$INPUT_SHARD")
      name="mplp-conformance-shard-${INPUT_SHARD//\//-of-}"
    fi
  fi
  [ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
  [ "${INPUT_ALLOW_STALE:-false}" = "true" ] && args+=(--allow-stale)
  args+=(--report-dir "$dir" --report-file "$dir/report.json" --format "$format")
  if [ -n "${INPUT_ARGS:-}" ]; then
    # shellcheck disable=SC2206
    local extra=(${INPUT_ARGS})
    args+=("${extra[@]}")
  fi
  [ -n "${INPUT_ARTIFACT_NAME:-}" ] && name="$INPUT_ARTIFACT_NAME"

  echo "+ mplp-conformance ${args[*]}"
  GITHUB_ACTIONS="${GITHUB_ACTIONS:-true}" "${cmd[@]}" "${args[@]}"
  local code=$?

  local run_dir=""
  [ -e "$dir/latest" ] && run_dir="$(cd "$dir/latest" && pwd -P)"
  {
    echo "exit-code=$code"
    echo "report-dir=$run_dir"
    echo "artifact-name=$name"
    if [ -f "$dir/report.json" ]; then
      echo "report=$dir/report.json"
      echo "verdict=$(node -p "const r=require(require('path').resolve('$dir/report.json')); r.incomplete ? 'incomplete' : r.verdict.verdict")"
      echo "verdict-hash=$(node -p "require(require('path').resolve('$dir/report.json')).verdict_hash")"
    fi
  } >> "$out"
  if [ "${INPUT_SUMMARY:-true}" = "true" ] && [ -n "$run_dir" ] && [ -f "$run_dir/summary.md" ]; then
    cat "$run_dir/summary.md" >> "$summary"
  fi
  exit "$code"
}

case "${1:-}" in
  install) install_kit ;;
  run) run_kit ;;
  *) echo "usage: $0 install|run" >&2; exit 4 ;;
esac

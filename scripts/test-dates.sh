#!/usr/bin/env bash
# The suite on days that used to break it or could: the real clock moved by faketime (Debian package
# `faketime`) AND the suite's pinned "today" (TEST_NOW, see test/harness/clock.ts) moved to another of those
# days, so that neither the machine's date nor the pinned one decides an outcome:
#   real Sunday 2026-12-06            pinned 29 February 2028
#   real 29 February 2028             pinned 31 December 2026, 23:30 UTC (the year ends during the day)
#   real 31 December 2026, 23:30 UTC  pinned Sunday 2026-12-06 (the run crosses midnight into a new year)
#   real today                        pinned 31 August 2027, 22:00 UTC (month ends: "6 months back" differs)
# `npm test` itself covers real today with the default pin. Extra jest arguments are passed on
# (e.g. `npm run test:dates -- test/leaks.test.ts`).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v faketime >/dev/null; then
  echo "test:dates needs faketime (Debian/Ubuntu: apt-get install -y faketime)" >&2
  exit 2
fi
runs=(
  "2026-12-06 12:00:00|2028-02-29T12:00:00Z"
  "2028-02-29 12:00:00|2026-12-31T23:30:00Z"
  "2026-12-31 23:30:00|2026-12-06T12:00:00Z"
  "|2027-08-31T22:00:00Z"
)
failed=0
results=()
for run in "${runs[@]}"; do
  real=${run%%|*}
  pinned=${run#*|}
  label="real ${real:-today ($(date -u +%F))}, pinned $pinned"
  echo
  echo "::: test:dates: $label"
  if [ -n "$real" ]; then
    cmd=(faketime "$real" env TZ=UTC TEST_NOW="$pinned" npx jest "$@")
  else
    cmd=(env TEST_NOW="$pinned" npx jest "$@")
  fi
  if "${cmd[@]}"; then
    results+=("✔ $label")
  else
    results+=("✘ $label")
    failed=1
  fi
done
echo
echo "::: test:dates"
printf '  %s\n' "${results[@]}"
exit "$failed"

#!/usr/bin/env bash
# Regenerates the measured tables of docs/scaling.md: soastore_scaling_counts on 1 to 64 ranks
# (oversubscribed; small data, so 64 ranks run on two cores), between the markers
# "<!-- scaling counts: begin -->" and "<!-- scaling counts: end -->". Re-run after a change to
# the read or write path:  bash scripts/scaling_table.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
build=${1:-build}
doc=docs/scaling.md
begin='<!-- scaling counts: begin -->'
end='<!-- scaling counts: end -->'

tables=$(mktemp)
trap 'rm -f "$tables"' EXIT
{
  echo "$begin"
  echo
  echo "Measured by \`bash scripts/scaling_table.sh\` ($(git rev-parse --short HEAD), $(date -u +%Y-%m-%d))."
  echo
  /usr/bin/python3 tests/cpp/scaling/scaling_report.py --markdown --ranks 1 2 4 8 16 32 64 \
    --program "$build/tests/cpp/scaling/soastore_scaling_counts" --dir /tmp
  echo "$end"
} > "$tables"
/usr/bin/python3 - "$doc" "$tables" "$begin" "$end" <<'PYTHON'
import sys
doc, tables, begin, end = sys.argv[1:]
text = open(doc).read()
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(doc, "w").write(head + open(tables).read().rstrip("\n") + tail)
PYTHON
echo "updated $doc"

#!/bin/sh
# Runs inside a throwaway container (see Sample.Checks.csproj). The project directory is here,
# copy-on-write: whatever this script writes is thrown away with the container.
set -eu
echo "checks: container $(hostname), configuration ${CHECKS_CONFIGURATION:-?}"

# A lint: each TODO in the sources becomes an MSBuild warning (canonical error format).
grep -Hn "TODO" ./*.cs | while IFS=: read -r file line text; do
  echo "${file#./}($line,1): warning CHK001: unfinished work:$text"
done

# A report for the host: copied out by CopyOut after the script ends.
mkdir -p /tmp/checks-report
echo "checked in $(hostname)" > /tmp/checks-report/summary.txt
touch scratch-written-in-container.txt

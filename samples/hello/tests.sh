#!/bin/sh
# A small test suite that shows what a tinydocker container is. Run it in one:
#   dotnet run --project tool/TinyDocker.Cli -- run hello1 samples/hello/tests.sh
# Every check prints ok or FAIL; the exit status is the number of failures.
cd "$(dirname "$0")"
failures=0
for check in checks/*.sh; do
  if out=$(sh "$check" 2>&1); then
    echo "ok   ${check#checks/} ${out}"
  else
    echo "FAIL ${check#checks/} ${out}"
    failures=$((failures + 1))
  fi
done
echo "$failures failed"
exit "$failures"

#!/bin/sh
# Passes (exit 0). Files written under $TINYDOCKER_RESULTS are attached to the test result.
set -e
echo "hello from container $(hostname)"
echo "running on: $( (. /etc/os-release && echo "$PRETTY_NAME") 2>/dev/null || echo 'an image without /etc/os-release')"
echo "report of $TINYDOCKER_TEST_NAME" > "$TINYDOCKER_RESULTS/report.txt"

#!/bin/sh
# Passes (exit 0). Files written under $TINYDOCKER_RESULTS are attached to the test result, folders kept.
set -e
echo "hello from container $(hostname)"
mkdir -p "$TINYDOCKER_RESULTS/logs"
echo "report of $TINYDOCKER_TEST_NAME" > "$TINYDOCKER_RESULTS/logs/report.txt"
echo "network: $(ls /sys/class/net | tr '\n' ' ')"
echo "greeting: $GREETING"

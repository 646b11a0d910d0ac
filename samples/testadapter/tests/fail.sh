#!/bin/sh
# Fails (exit 3): the message is the exit code; stdout and stderr are reported beside it, once each.
echo "checking the answer"
echo "expected 42" >&2
echo "but got 41" >&2
exit 3

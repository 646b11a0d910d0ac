#!/bin/sh
# Fails (exit 3): the exit code and the end of stderr become the error message.
echo "checking the answer"
echo "expected 42" >&2
echo "but got 41" >&2
exit 3

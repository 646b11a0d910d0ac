#!/bin/sh
# Fails (exit 3): the message says so; stdout and stderr are reported once each, and what the
# case wrote (here /etc/motd-of-the-case and a file in the project) is listed in changes.txt.
echo "checking the answer"
echo "scratch" > /etc/motd-of-the-case
echo "scratch" > written-by-fail.txt
echo "expected 42" >&2
echo "but got 41" >&2
exit 3

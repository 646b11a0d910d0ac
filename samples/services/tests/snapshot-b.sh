#!/bin/sh
# A fresh kv service from the snapshot: its Init's line, then only what this case writes.
got=$(echo "$TINYDOCKER_TEST_NAME" | busybox nc 127.0.0.1 7000)
expected="initialised
$TINYDOCKER_TEST_NAME"
echo "kv holds: $got"
[ "$got" = "$expected" ]

#!/bin/sh
# Hangs: its 3 s timeout (see the project file) fails it and kills its container.
echo "waiting forever"
while true; do sleep 1; done

#!/bin/sh
# Never runs: its service exits before it is ready, and the case fails with the service's log.
echo "broken.sh ran"

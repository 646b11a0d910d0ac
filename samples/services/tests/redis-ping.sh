#!/bin/sh
# The run's Redis answers on this container's 127.0.0.1: the case joined its network.
reply=$(redis-cli -h 127.0.0.1 -p 6379 ping)
echo "redis says $reply"
[ "$reply" = PONG ]

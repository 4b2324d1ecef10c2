#!/bin/bash
# Peak memory of "transcribe serve" under a burst of concurrent requests.
# Needs clip59.wav in the current folder (about 60 s of speech, e.g.
#   sox $(ls .../speechocean762-dev/audio/*.wav | head -30) -r 16000 -c 1 -b 16 long.wav
#   sox long.wav clip59.wav trim 0 59)
# and curl. Prints VmHWM (peak RSS) of the server and the count of each status.
# usage: scripts/bench/serve_load.sh BIN N [serve flags...]: start serve, send N concurrent 59 s requests, print peak RSS and status counts
BIN=$1; N=$2; shift 2
PORT=$((18000 + RANDOM % 1000))
$BIN serve --addr 127.0.0.1:$PORT "$@" 2>serve.log >/dev/null &
PID=$!
for i in $(seq 50); do curl -s http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.2; done
rm -f codes; 
for i in $(seq $N); do
  curl -s -o /dev/null -w '%{http_code}\n' --data-binary @clip59.wav -H 'Content-Type: audio/wav' http://127.0.0.1:$PORT/v1/transcribe >> codes &
done
wait $(jobs -p | grep -v "^$PID$") 2>/dev/null
while [ $(wc -l < codes) -lt $N ]; do sleep 0.5; done
grep VmHWM /proc/$PID/status
sort codes | uniq -c
kill $PID; wait $PID 2>/dev/null
tail -3 serve.log

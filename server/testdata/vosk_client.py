#!/usr/bin/env python3
"""A Vosk WebSocket client, written from vosk-server's protocol (its
websocket/test.py), not from ecoute's server: it sends
{"config": {"sample_rate": R}}, then the WAV file's 16-bit samples in
0.2 s binary messages, reading one answer after each, then {"eof" : 1}
and reads the final answer. It prints every answer as one JSON line.

    vosk_client.py ws://127.0.0.1:2700/v1/stream file.wav [--disconnect N]

With --disconnect N it sends N chunks and drops the TCP connection
without a close frame (a client that goes away mid-stream).

Needs Debian's python3-websockets (10.x, asyncio API).
"""
import asyncio
import json
import sys
import wave

import websockets


async def run(uri, path, disconnect):
    with wave.open(path, "rb") as wf:
        if wf.getnchannels() != 1 or wf.getsampwidth() != 2:
            raise SystemExit("want a mono 16-bit WAV")
        rate = wf.getframerate()
        async with websockets.connect(uri) as ws:
            await ws.send('{ "config" : { "sample_rate" : %d } }' % rate)
            sent = 0
            while True:
                data = wf.readframes(int(rate * 0.2))
                if len(data) == 0:
                    break
                await ws.send(data)
                print(json.dumps(json.loads(await ws.recv())), flush=True)
                sent += 1
                if disconnect and sent >= disconnect:
                    ws.transport.abort()  # no close frame
                    return
            await ws.send('{"eof" : 1}')
            print(json.dumps(json.loads(await ws.recv())), flush=True)
            # The server closes after the final result.
            try:
                await asyncio.wait_for(ws.recv(), 10)
            except websockets.exceptions.ConnectionClosed as e:
                print(json.dumps({"closed": e.code}), flush=True)


def main():
    args = sys.argv[1:]
    disconnect = 0
    if "--disconnect" in args:
        i = args.index("--disconnect")
        disconnect = int(args[i + 1])
        del args[i:i + 2]
    asyncio.run(run(args[0], args[1], disconnect))


if __name__ == "__main__":
    main()

"""Bare Python loops of the benchmark workloads, for comparison in the same run.

The Python original cannot be installed here, so this measures the least that it must do per
event, with no library around it: the same JSON, zlib and AES-GCM work (PyCryptodome, as the
original's AESCipher uses it), a uuid, a timestamp and a dict-and-list insert per event on the
way in; decryption, decompression, JSON parsing and a datetime per notification on the way
out; and for a get from a snapshot, the parsing of the snapshot's JSON and its datetimes. The original does all of this and more, so on the same machine it is no faster.

Run with Debian's /usr/bin/python3 (python3-pycryptodome), optionally with the number of timed
runs (5 by default). Prints one JSON object: {"results": [{"workload", "recorder":
"python-bare", "unit", "median", "runs"}]}, each with one warm-up and the timed runs, like
`npm run bench`.
"""

import datetime
import json
import os
import statistics
import sys
import time
import uuid
import zlib

from Cryptodome.Cipher import AES

KEY = os.urandom(32)
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def encrypt(data):
    """The original AESCipher.encrypt: nonce, then tag, then ciphertext."""
    nonce = os.urandom(12)
    cipher = AES.new(KEY, AES.MODE_GCM, nonce=nonce)
    ciphertext, tag = cipher.encrypt_and_digest(data)
    return nonce + tag + ciphertext


def decrypt(data):
    """The original AESCipher.decrypt."""
    cipher = AES.new(KEY, AES.MODE_GCM, nonce=data[:12])
    return cipher.decrypt_and_verify(data[28:], data[12:28])


def state(fields):
    """An event's stored state: compact JSON with the timestamp as the original writes it."""
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    body = {"timestamp": {"_type_": "datetime_iso", "_data_": now}}
    body.update(fields)
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def inserts(codec):
    """One run of `a`'s bare loop: 10,000 new originators, one event each."""
    streams, log = {}, []
    started = time.perf_counter()
    for _ in range(10_000):
        originator_id = uuid.uuid4()
        data = state({"originator_topic": "World"})
        if codec:
            data = encrypt(zlib.compress(data))
        record = (originator_id, 1, "World.Created", data)
        streams[originator_id] = [record]
        log.append(record)
    return 10_000 / (time.perf_counter() - started)


def stored_notifications(codec):
    """The 20,000 stored states `d3` reads: 200 originators x 100 versions."""
    records = []
    for _ in range(200):
        for version in range(1, 101):
            fields = {"originator_topic": "World"} if version == 1 else {"what": "dinosaurs"}
            data = state(fields)
            records.append(encrypt(zlib.compress(data)) if codec else data)
    return records


def decodes(records, codec):
    """One run of `d3`'s bare loop: decode every stored state into a dict with a datetime."""
    events = []
    started = time.perf_counter()
    for data in records:
        if codec:
            data = zlib.decompress(decrypt(data))
        event = json.loads(data)
        event["timestamp"] = datetime.datetime.fromisoformat(event["timestamp"]["_data_"])
        events.append(event)
    return len(records) / (time.perf_counter() - started)


def snapshot_state():
    """`c2`'s stored snapshot: a World of 10,000 events, its history in its state."""
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    stamp = {"_type_": "datetime_iso", "_data_": now}
    # 9,999 things happened: the created event adds none to the history.
    aggregate = {"history": ["dinosaurs"] * 9_999, "id": str(uuid.uuid4()), "version": 10_000}
    aggregate.update({"created_on": stamp, "modified_on": stamp})
    body = {"timestamp": stamp, "topic": "World", "state": aggregate}
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def snapshot_gets(data):
    """One run of `c2`'s bare loop: parse the snapshot's state and its three datetimes."""
    gets = 200
    started = time.perf_counter()
    for _ in range(gets):
        body = json.loads(data)
        body["timestamp"] = datetime.datetime.fromisoformat(body["timestamp"]["_data_"])
        aggregate = body["state"]
        for name in ("created_on", "modified_on"):
            aggregate[name] = datetime.datetime.fromisoformat(aggregate[name]["_data_"])
    return (time.perf_counter() - started) * 1000 / gets


def measure(workload, unit, run):
    """One warm-up run, then RUNS timed runs; the median and the runs."""
    run()
    runs = [run() for _ in range(RUNS)]
    return {
        "workload": workload,
        "recorder": "python-bare",
        "unit": unit,
        "median": statistics.median(runs),
        "runs": runs,
    }


def main():
    plain, sealed = stored_notifications(False), stored_notifications(True)
    snapshot = snapshot_state()
    results = [
        measure("a", "events/s", lambda: inserts(False)),
        measure("a-zlib-aes", "events/s", lambda: inserts(True)),
        measure("d3", "notifications/s", lambda: decodes(plain, False)),
        measure("d3-zlib-aes", "notifications/s", lambda: decodes(sealed, True)),
        measure("c2", "ms/get", lambda: snapshot_gets(snapshot)),
    ]
    json.dump({"results": results}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

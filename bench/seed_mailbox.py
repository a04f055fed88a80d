"""Seed a mailbox of N Gmail messages: the time it takes, the memory it keeps, and the time
to read it back 500 messages at a time.

    .venv/bin/python -m bench.seed_mailbox            # N = 5,000
    .venv/bin/python -m bench.seed_mailbox 20000 --repeat 5

Memory is what ``tracemalloc`` sees the seeded collection keep (measured after a warm-up
seeding, so the contracts, the value pools and the code are already loaded), and the process's
resident set size (RSS) before and after, for context. Seeding time is the median of
``--repeat`` seedings of a fresh environment. Reading pages every message through
``email.get.batch`` (``limit`` 500) over the app's WSGI interface, output checking on.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import time
import tracemalloc
from typing import Any

from interactor_mock.core.engine import Engine
from interactor_mock.http.app import create_app

MB = 1024 * 1024


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def seed(engine: Engine, name: str, count: int) -> float:
    environment = engine.environments.create(name)
    started = time.perf_counter()
    engine.seeds.apply(environment, {"accounts": {"alice": {"gmail": {"messages": count}}}})
    return time.perf_counter() - started


def measure(count: int, repeat: int) -> dict[str, Any]:
    engine = Engine()
    client = create_app(engine=engine).test_client()
    seed(engine, "warm-up", 50)
    times = [seed(engine, f"timing-{i}", count) for i in range(repeat)]
    for i in range(repeat):
        engine.environments.delete(f"timing-{i}")
    gc.collect()
    rss_before = rss_bytes()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    seed(engine, "measured", count)
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    rss_after = rss_bytes()

    environment = engine.environments.get("measured")
    headers = {"x-api-key": environment.api_key}
    url = "/api/v1/connector/gmail/action/email.get.batch/execute?account=alice"
    started = time.perf_counter()
    token, pages, messages = None, 0, 0
    while True:
        payload: dict[str, Any] = {"limit": 500}
        if token:
            payload["pageToken"] = token
        output = client.post(url, json=payload, headers=headers).get_json()["output"]
        pages += 1
        messages += len(output["messages"])
        token = output["nextPageToken"]
        if token is None:
            break
    read = time.perf_counter() - started
    assert messages == count, (messages, count)
    return {
        "messages": count,
        "seed_seconds_median": round(statistics.median(times), 4),
        "seed_seconds_all": [round(t, 4) for t in times],
        "tracemalloc_kept_mb": round(kept / MB, 3),
        "bytes_per_message": round(kept / count, 1),
        "rss_delta_mb": round((rss_after - rss_before) / MB, 3),
        "read_pages": pages,
        "read_seconds": round(read, 3),
        "read_ms_per_page": round(read * 1000 / pages, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("messages", nargs="?", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(measure(args.messages, args.repeat), indent=2))


if __name__ == "__main__":
    main()

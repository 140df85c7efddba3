#!/usr/bin/env python3
"""The naive import floor for scripts/bench (issue 15): json.loads each line of an agreements
file and executemany the rows into one SQLite table in one transaction — no validation, no
versions, no address index. `rapportctl import agreements` is measured against this rate on the
same file, disk and machine.

    python3 Benchmarks/import-baseline.py agreements.jsonl /tmp/baseline.sqlite
"""
import json
import sqlite3
import sys
import time


def main() -> None:
    source, database = sys.argv[1], sys.argv[2]
    started = time.monotonic()
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE IF NOT EXISTS agreement (id TEXT PRIMARY KEY, debtor_id TEXT, data TEXT)")
    with open(source, encoding="utf-8") as lines, connection:
        rows = ((row["id"], row["debtor"]["id"], line) for line in lines for row in [json.loads(line)])
        connection.executemany("INSERT OR REPLACE INTO agreement VALUES (?, ?, ?)", rows)
    count = connection.execute("SELECT count(*) FROM agreement").fetchone()[0]
    seconds = time.monotonic() - started
    print(f"{count} {seconds:.3f}")


if __name__ == "__main__":
    main()

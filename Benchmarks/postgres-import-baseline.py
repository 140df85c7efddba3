#!/usr/bin/python3
"""The naive PostgreSQL import floor for scripts/bench-postgres (issue 25): json.loads each line
of an agreements file and psycopg's executemany of the rows into one table, in one transaction —
no validation, no versions, no address index. `rapportctl import agreements` into the same
server is measured against this rate on the same file and machine.

    PGPASSWORD=… /usr/bin/python3 Benchmarks/postgres-import-baseline.py agreements.jsonl \
        'host=127.0.0.1 port=54329 user=rapport_admin dbname=baseline'

Needs psycopg 3 (Debian's python3-psycopg; scripts/bench-postgres installs it).
"""
import json
import sys
import time

import psycopg


def main() -> None:
    source, dsn = sys.argv[1], sys.argv[2]
    started = time.monotonic()
    with psycopg.connect(dsn) as connection:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS naive (id text PRIMARY KEY, debtor_id text, data text)")
            with open(source, encoding="utf-8") as lines:
                rows = [(row["id"], row["debtor"]["id"], line) for line in lines for row in [json.loads(line)]]
            cursor.executemany(
                "INSERT INTO naive VALUES (%s, %s, %s) ON CONFLICT (id) DO UPDATE SET data = excluded.data", rows)
            cursor.execute("SELECT count(*) FROM naive")
            count = cursor.fetchone()[0]
    seconds = time.monotonic() - started
    print(f"{count} {seconds:.3f}")


if __name__ == "__main__":
    main()

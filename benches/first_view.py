"""The first view after a write (issue 19): bump the write generation of the server's
SQLite file, as every write does (storage::begin_write), then time one GET of the page,
which must compute again what the caches kept. Prints `figure firstview-NAME-PROJECTS
<median ms> <runs>` for benches/run, the median to the microsecond (3 decimals) of 51
views: the views take about a millisecond, so 15 views at 0.1 ms gave ratios of the
timer's and the machine's noise (issue 19).

    python3 benches/first_view.py DB_FILE BASE_URL COOKIE PROJECTS NAME=PATH...
"""

import sqlite3
import statistics
import sys
import time
import urllib.request

db, base, cookie, projects = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
RUNS = 51


def get(path):
    req = urllib.request.Request(base + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(req) as r:
        assert r.status == 200, (path, r.status)
        r.read()


for spec in sys.argv[5:]:
    name, path = spec.split("=", 1)
    get(path)  # warm: templates, connections
    times = []
    for _ in range(RUNS):
        conn = sqlite3.connect(db, timeout=30)
        conn.execute("UPDATE write_lock SET n = n + 1 WHERE id = 1")
        conn.commit()
        conn.close()
        start = time.perf_counter()
        get(path)
        times.append((time.perf_counter() - start) * 1000)
    print(f"figure firstview-{name}-{projects} {statistics.median(times):.3f} {RUNS}")

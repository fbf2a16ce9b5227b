"""benches/run's figures (target/bench-run/figures.txt) -> benches/RESULTS.md: each
figure, the ratios and the targets of issue 7."""

import datetime
import platform
import subprocess
import sys

path, loans, projects = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fig, peak, load, xml, confirm = {}, {}, {}, None, None
for line in open(path, encoding="utf-8"):
    p = line.split()
    if p and p[0] == "figure":
        fig[p[1]] = float(p[2])
    elif p and p[0] == "peak":
        peak[p[1]] = int(p[2])
    elif p and p[0] == "load":
        load[p[1]] = (float(p[2]), p[3], int(p[4]) if len(p) > 4 else 0)
    elif p and p[0] == "confirm-under-load":
        confirm = (p[1], float(p[2]) if len(p) > 2 else 0.0)
    elif p and p[0] == "xml":
        xml = int(p[1])

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
rows = []


def row(what, value, target="", ok=None):
    mark = "" if ok is None else (" ✅" if ok else " ❌")
    rows.append(f"| {what} | {value} | {target}{mark} |")


def ms(name):
    return f"{fig[name]:,.0f} ms" if name in fig else "not run"


def us(name):
    return f"{fig[name] * 1000:,.0f} µs" if name in fig else "not run"


row(f"bare calamine streaming read, {loans:,} rows (import floor)", ms("bare-read"))
row(f"tiexi import (guard, isolated child, parse, validate), {loans:,} rows", ms("import"))
if "import" in fig and "bare-read" in fig:
    r = fig["import"] / fig["bare-read"]
    row("import ÷ bare calamine read", f"{r:.2f}x", "≤ 1.5x", r <= 1.5)
# The peers read, check and compute: against them, tiexi's import plus the engine.
ours = fig["import"] + fig.get(f"engine-{loans}", 0) if "import" in fig else None
for peer in ["openpyxl", "calamine"]:
    name = f"python-{peer}"
    row(f"Python {peer} + decimal: read, check and compute (all of docs/rules.md), {loans:,} rows", ms(name))
    if name in fig and ours:
        r = fig[name] / ours
        row(f"Python {peer} ÷ (tiexi import + engine)", f"{r:.1f}x", "≥ 10x" if peer == "openpyxl" else "", r >= 10 if peer == "openpyxl" else None)
if "import" in peak and xml:
    r = peak["import"] / xml
    row("import peak memory (max RSS of the parent or the parse child, GNU time %M)", f"{peak['import'] / 1024:,.0f} MiB", "")
    row("peak ÷ unpacked XML", f"{r:.2f}x ({xml / 1024:,.0f} MiB XML)", "≤ 3x", r <= 3)
row(f"engine, {loans:,} loans", ms(f"engine-{loans}"))
row("engine, 1,000,000 loans", ms("engine-1000000"))
row(f"Python decimal, docs/rules.md alone on checked projects (what the engine figure times), {loans:,} loans",
    ms("python-decimal-rules"))
row(f"Python decimal, row checks + docs/rules.md, {loans:,} loans", ms("python-decimal-engine"))
if f"engine-{loans}" in fig and "python-decimal-rules" in fig:
    r = fig["python-decimal-rules"] / fig[f"engine-{loans}"]
    row("Python decimal (rules alone) ÷ engine", f"{r:.0f}x", "≥ 50x", r >= 50)
row("annual report of 100,000 projects (9 sheets; 项目明细 and 贷款明细 100,000 rows each)", ms("report-annual"))
row("bare rust_xlsxwriter constant-memory write of the report's own cells (report floor)", ms("report-floor"))
if "report-annual" in fig and "report-floor" in fig:
    r = fig["report-annual"] / fig["report-floor"]
    row("annual report ÷ bare write of the same cells", f"{r:.2f}x", "≤ 1.5x", r <= 1.5)
row(f"confirmed import of {loans:,} loans into SQLite (app::imports::confirm: parse, check, writes, recalculation, audit; each run into a fresh database)", ms("store-sqlite"))
row(f"floor: parse + bare bulk insert of the same rows, SQLite, same driver", ms("store-floor-sqlite"))
if "store-sqlite" in fig and "store-floor-sqlite" in fig:
    r = fig["store-sqlite"] / fig["store-floor-sqlite"]
    row("confirmed import ÷ floor, SQLite", f"{r:.2f}x", "≤ 2x", r <= 2)
row(f"confirmed import of {loans:,} loans into PostgreSQL (each run into a fresh database)", ms("store-postgres"))
row(f"floor: parse + COPY of the same rows, PostgreSQL", ms("store-floor-postgres"))
if "store-postgres" in fig and "store-floor-postgres" in fig:
    r = fig["store-postgres"] / fig["store-floor-postgres"]
    row("confirmed import ÷ floor, PostgreSQL", f"{r:.2f}x", "≤ 2x", r <= 2)
for name, what in [("static", "static page (/login)"), ("home", "home page /"), ("list", "project list")]:
    if name in load:
        row(f"{what}, {projects:,} projects, wrk -t2 -c16", f"{load[name][0]:,.0f} req/s, p99 {load[name][1]}")
for name in ["home", "list"]:
    if name in load and "static" in load:
        r = load[name][0] / load["static"][0]
        row(f"{name} ÷ static throughput", f"{r:.2f}", "≥ 0.5", r >= 0.5)


# Issue 15 item 5: the import preview with seven earlier rounds against an empty database:
# as a program has them (a third of the file's loans still running from the two rounds
# before), and the worst case no program meets (the same 10,000 loans in all seven rounds).
for backend, label in [("sqlite", "SQLite"), ("postgres", "PostgreSQL")]:
    empty, loaded, cont = (f"history-{k}-{backend}" for k in ("empty", "loaded", "continuing"))
    if empty in fig:
        row(f"import preview of 10,000 loans, {label}, empty database", ms(empty))
    if empty in fig and cont in fig:
        row(f"the same preview, {label}, seven earlier rounds of 10,000 loans each, a third still running", ms(cont))
        r = fig[cont] / fig[empty]
        row(f"preview with seven earlier rounds ÷ into an empty database ({label})", f"{r:.2f}x", "≤ 1.5x", r <= 1.5)
    if empty in fig and loaded in fig:
        row(f"worst case, {label}: the file's 10,000 loans granted in all seven rounds", ms(loaded))
        r = fig[loaded] / fig[empty]
        row(f"worst case ÷ into an empty database ({label}; grows with the matches found)", f"{r:.2f}x")

# Issue 13 item 5: the driver defect storage works around (benches/driver.rs): one INSERT
# through sqlx on SQLite with numbered against anonymous parameters, at two sizes.
for n in (1300, 13000):
    num, anon = f"bind-numbered-{n}", f"bind-anonymous-{n}"
    if num in fig and anon in fig:
        row(f"one INSERT of {n:,} parameters through sqlx on SQLite: numbered $N / anonymous ?", f"{fig[num]:.1f} ms / {fig[anon]:.1f} ms")
if all(f"bind-{k}-{n}" in fig for k in ("numbered", "anonymous") for n in (1300, 13000)):
    grow_num = fig["bind-numbered-13000"] / fig["bind-numbered-1300"]
    grow_anon = fig["bind-anonymous-13000"] / fig["bind-anonymous-1300"]
    row("growth from 1,300 to 13,000 parameters: numbered / anonymous (n² against n: storage binds `?`)", f"{grow_num:.0f}x / {grow_anon:.0f}x")


def wrk_ms(text):
    """wrk's latency ("828.00us", "2.62ms", "1.20s") in milliseconds."""
    for unit, f in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)]:
        if text.endswith(unit):
            return float(text[: -len(unit)]) * f
    return float(text)


for name, what in [("home", "dashboard /"), ("list", "project list")]:
    small, big = f"firstview-{name}-1000", f"firstview-{name}-{projects}"
    row(f"first view after a write, {what}, 1,000 projects (median of 51)", us(small))
    row(f"first view after a write, {what}, {projects:,} projects (median of 51)", us(big))
    if small in fig and big in fig:
        r = fig[big] / fig[small]
        row(f"first view after a write, {what}: {projects:,} ÷ 1,000 projects", f"{r:.2f}x", "≤ 1.5x", r <= 1.5)
if "list-under-import" in load:
    rps, p99, bad = load["list-under-import"]
    row(f"project list, {projects:,} projects, wrk -t2 -c16 for 20 s while a {loans:,}-loan import is confirmed",
        f"{rps:,.0f} req/s, p99 {p99}, {bad} non-2xx", "p99 < 500 ms, no 5xx", wrk_ms(p99) < 500 and bad == 0)
if confirm:
    row("that confirmation (HTTP status, seconds)", f"{confirm[0]}, {confirm[1]:.1f} s", "200", confirm[0] == "200")

print("# Benchmark figures (issues 7 and 19)\n")
print(f"Machine: {cpu}, {cores} cores, {platform.system()} {platform.release()}; "
      f"date {datetime.date.today()}; command `benches/run` (medians of several runs; the "
      "machine is shared, so wall-clock figures are noisy). How each figure grows to 1,000,000 "
      "loans and 20 rounds, and what a PostgreSQL site needs: [SCALE.md](SCALE.md).\n")
print("| figure | value | target |\n| --- | --- | --- |")
print("\n".join(rows))

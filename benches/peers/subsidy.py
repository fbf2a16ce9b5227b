"""The peer of issue 7: what a finance office's Python script does with an applicant
workbook, with the standard `decimal` module. It validates the rows (required values, ID
check digit, money, rate, dates) and computes each loan's subsidy by the core of rules.md:
eligible days E = [max(d0, window.start), min(end, d0 + 36 months, window.end)), ACT/360,
s = min(rate, cap), pieces of constant balance and rate, one half-up rounding to the fen,
the project's principal cap. `python3 subsidy.py openpyxl|calamine WORKBOOK [RUNS]` prints
`figure <name> <median ms> <runs>` like benches/figures.rs."""

import datetime as dt
import statistics
import sys
import time
from decimal import ROUND_HALF_UP, Decimal

WINDOW = (dt.date(2024, 1, 1), dt.date(2025, 1, 1))
CAP = Decimal("5.0")
BASIS = Decimal(360)
MONTHS = 36
PRINCIPAL_CAP = {"合作社": Decimal(3000000), "小微企业": Decimal(4000000),
                 "个体工商户": Decimal(300000), "个人": Decimal(300000)}
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
FEN = Decimal("0.01")


def id_ok(s):
    s = s.strip().upper()
    if len(s) != 18 or not s[:17].isdigit():
        return False
    return CHECK[sum(int(c) * w for c, w in zip(s[:17], WEIGHTS)) % 11] == s[17]


def as_date(v):
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v).strip()[:10])


def add_months(d, n):
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    last = (dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last))


def loan_subsidy(principal, rate, d0, dm, repayments):
    start = max(d0, WINDOW[0])
    end = min(dm, add_months(d0, MONTHS), WINDOW[1])
    if end <= start:
        return Decimal(0)
    s = min(rate, CAP) / 100
    total, balance, at = Decimal(0), principal, start
    for on, amount in sorted(repayments):
        if on > at:
            cut = min(on, end)
            total += balance * s * (cut - at).days
            at = cut
        balance -= amount
        if at >= end:
            break
    if at < end:
        total += balance * s * (end - at).days
    return total / BASIS


def compute(rows, events):
    """rows: header row then data rows (lists of cell values); events likewise."""
    head = [str(h or "").split("（")[0] for h in rows[0]]
    col = {h: i for i, h in enumerate(head)}
    repay = {}
    for r in events[1:]:
        if r and r[0]:
            repay.setdefault(str(r[0]), []).append((as_date(r[1]), Decimal(str(r[3]))))
    projects, errors = {}, 0
    for r in rows[1:]:
        try:
            if not id_ok(str(r[col["身份证号"]])):
                errors += 1
                continue
            principal = Decimal(str(r[col["贷款金额"]])).quantize(FEN)
            rate = Decimal(str(r[col["年利率"]]))
            d0, dm = as_date(r[col["放款日期"]]), as_date(r[col["到期日期"]])
            if principal <= 0 or not (0 < rate <= 24) or dm <= d0:
                errors += 1
                continue
        except (ValueError, ArithmeticError, TypeError):
            errors += 1
            continue
        no = str(r[col["贷款合同编号"]])
        p = projects.setdefault(r[col["项目编号"]], [r[col["主体类型"]], []])
        p[1].append((principal, loan_subsidy(principal, rate, d0, dm, repay.get(no, []))))
    granted = Decimal(0)
    for kind, loans in projects.values():
        total = sum(pr for pr, _ in loans)
        f = min(Decimal(1), PRINCIPAL_CAP[kind] / total)
        for _, raw in loans:
            granted += (f * raw).quantize(FEN, rounding=ROUND_HALF_UP)
    return len(projects), errors, granted


def read_openpyxl(path):
    import openpyxl
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]
    book.close()
    return sheets


def read_calamine(path):
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(path)
    return [book.get_sheet_by_index(i).to_python(skip_empty_area=False) for i in range(len(book.sheet_names))]


def run(reader, path):
    loans, events = reader(path)
    # The template's title row comes first; the header is the row that names 身份证号.
    at = next(i for i, r in enumerate(loans[:10]) if "身份证号" in [str(c or "") for c in r])
    return compute(loans[at:], events)


def main():
    which, path = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    reader = {"openpyxl": read_openpyxl, "calamine": read_calamine}[which]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = run(reader, path)
        times.append((time.perf_counter() - start) * 1000)
    print(f"# {which}: {result[0]} projects, {result[1]} rows with errors, subsidy {result[2]}", file=sys.stderr)
    print(f"figure python-{which} {statistics.median(times):.1f} {runs}")
    if len(sys.argv) > 4:
        # The engine's peer: the arithmetic alone on rows already read.
        rows = reader(path)
        at = next(i for i, r in enumerate(rows[0][:10]) if "身份证号" in [str(c or "") for c in r])
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            compute(rows[0][at:], rows[1])
            times.append((time.perf_counter() - start) * 1000)
        print(f"figure python-decimal-engine {statistics.median(times):.1f} {runs}")


if __name__ == "__main__":
    main()

"""The peer of issue 7: what a finance office's Python script does with an applicant
workbook, with the standard `decimal` module and plain dicts and lists.

It does the whole of docs/rules.md on the workbook of docs/workbook.md, like `tiexi calc`:
reads the round's policy (TOML), finds the Loans and Events sheets and their header rows,
reads and checks every cell (text, money with units, percentages, dates in every spelling,
ID numbers, credit codes, phones, yes/no), groups rows into projects and checks that they
agree, attaches the events (repayments, rate changes, overdue periods, extensions) and
checks them, leaves out every project with a problem; then per loan the eligible days
(window, term, settlement, extensions, the overdue rule), the subsidised rate by mode,
pieces of constant balance and rate, the project's principal cap, one half-up rounding,
the interest-paid limit, duplicate contracts and the rate ceiling; per project the request
and its cap; the grants (pro rata with largest remainders, or priority by score), the
split across the pools, and the round figures.

    python3 subsidy.py openpyxl|calamine WORKBOOK [RUNS] [engine] [--policy POLICY.toml]

prints `figure python-<reader> <median ms> <runs>` (read + check + compute) and, with
`engine`, `figure python-decimal-engine <median ms> <runs>` (check + compute on rows
already read) and `figure python-decimal-rules <median ms> <runs>` (compute alone on
projects already checked, as `figures engine N` times engine::compute), like
benches/figures.rs. `check.py` compares its results with `tiexi calc`.

Python 3.11 or later (tomllib); the readers are in requirements.txt. The policy defaults to
data/policy.example.toml, as `benches/run` and `figures engine` use.
"""

import datetime as dt
import os
import re
import statistics
import sys
import time
import tomllib
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
HUNDRED = Decimal(100)
POLICY = os.path.join(os.path.dirname(__file__), "..", "..", "data", "policy.example.toml")

TYPES = {"合作社": "cooperative", "小微企业": "enterprise", "个体工商户": "individual_business", "个人": "individual"}
ALL_TYPES = list(TYPES.values())


def round_fen(x):
    """docs/rules.md §1: half-up (四舍五入) to the fen."""
    return x.quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(fen):
    return Decimal(fen) / 100


def to_fen(amount):
    return int(amount * 100)


# ---------------------------------------------------------------- the policy (docs/rules.md §2)

def load_policy(path):
    with open(path, "rb") as f:
        # Amounts and rates exactly as written: 619635.63 is not a binary float.
        raw = tomllib.load(f, parse_float=Decimal)
    year = raw["year"]
    window = raw.get("window", {})
    rate = raw.get("rate", {})
    mode = rate.get("mode", "cap")
    if mode == "borrower_floor" and "borrower_percent" not in rate:
        raise ValueError("rate.borrower_percent is required when rate.mode = \"borrower_floor\"")
    allocation = raw.get("allocation", {})
    pools = [{"name": p["name"].strip(), "kind": p["kind"], "amount": money_exact(p["amount"])}
             for p in raw.get("pools", [])]
    if not pools:
        raise ValueError("pools: at least one pool is required")
    caps = raw.get("principal_cap", {})
    limit = raw.get("limits", {}).get("max_subsidy_per_project")
    ceiling = rate.get("max_contract_percent")
    return {
        "year": year,
        "start": window.get("start", dt.date(year, 1, 1)),
        "end": window.get("end", dt.date(year + 1, 1, 1)),
        "basis": Decimal(365 if raw.get("day_count", "ACT/360") == "ACT/365" else 360),
        "mode": mode,
        "cap": Decimal(rate.get("cap_percent", 5)),
        "share": Decimal(rate.get("share_percent", 100)),
        "borrower": Decimal(rate.get("borrower_percent", 0)),
        "ceiling": None if ceiling is None else Decimal(ceiling),
        "months": raw.get("term", {}).get("max_months", 36),
        "principal_cap": {t: money_exact(c) for t, c in caps.items()},
        "max_per_project": None if limit is None else money_exact(limit),
        # docs/rules.md §9
        "max_rounds": raw.get("limits", {}).get("max_rounds_per_applicant"),
        "max_total": (None if raw.get("limits", {}).get("max_subsidy_per_applicant_total") is None
                      else money_exact(raw["limits"]["max_subsidy_per_applicant_total"])),
        "eligible_types": raw.get("eligible_types", ALL_TYPES),
        "require_member": raw.get("require_union_member", True),
        "overdue": raw.get("overdue", "from_first_overdue"),
        "extensions": raw.get("subsidize_extensions", False),
        "method": allocation.get("method", "pro_rata"),
        "partial_last": allocation.get("partial_last", True),
        "pools": pools,
    }


def money_exact(v):
    d = Decimal(v)
    if d != round_fen(d):
        raise ValueError(f"{v}: yuan with at most 2 decimals")
    return round_fen(d)


# ---------------------------------------------------------------- cells (docs/workbook.md "Reading values")

class CellError(Exception):
    pass


NOTHING = {"/", "-", "--", "—", "——", "无", "\\"}
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u2060"))
# Full-width letters, digits and punctuation become half-width; wide spaces become spaces.
WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
WIDTH.update({0x3000: " ", 0xA0: " "})
WIDTH.update(INVISIBLE)


def number_text(v):
    # Excel shows a cell's number with 15 significant digits; whole numbers as they are.
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer() and abs(v) < 9e15:
        return str(int(v))
    if isinstance(v, float):
        return str(Decimal(f"{v:.14e}").normalize())
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    return str(v)


def text(v):
    if v is None:
        return None
    s = v.translate(WIDTH) if isinstance(v, str) else number_text(v)
    s = " ".join(s.split())
    return s or None


def code(v):
    s = text(v)
    return None if s is None else s.replace(" ", "")


def is_nothing(v):
    c = code(v) if isinstance(v, str) else v
    return c is None or (isinstance(c, str) and c in NOTHING)


def as_decimal(v):
    if isinstance(v, bool):
        raise CellError("不是数字")
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):
        return Decimal(number_text(v))
    raise TypeError


def strip_suffix(s, suffixes):
    for u in suffixes:
        if s.endswith(u):
            return s[: -len(u)], u
    return s, None


def decimal_text(s, hint):
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", s):
        raise CellError(hint)
    return Decimal(s)


MONEY_HINT = "不是有效金额，请填写数字，如 300000、300,000.00 或 30万元"


def unit_of(s):
    s = (s or "").removeprefix("人民币")
    if s.startswith("万"):
        return "万"
    if s.startswith("元") or s.lower() == "rmb":
        return "元"
    return None


def money(v, header_unit=None):
    if v is None:
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        n, unit = as_decimal(v), None
    elif isinstance(v, str):
        s = code(v)
        if s is None:
            return None
        s = s.lstrip("¥￥").removeprefix("RMB").replace(",", "")
        s, unit = strip_suffix(s, ["万元", "万", "人民币元", "元"])
        n, unit = decimal_text(s, MONEY_HINT), unit_of(unit)
    else:
        raise CellError(MONEY_HINT)
    if (unit or header_unit) == "万":
        n *= 10000
    if n != n.quantize(FEN, rounding=ROUND_HALF_UP):
        raise CellError(f"换算成元后为 {n.normalize()} 元，超过2位小数（分），请核对单位和数值")
    return n.quantize(FEN)


PERCENT_HINT = "不是有效利率，请填写如 4.35 或 4.35%"


def percent(v):
    if v is None:
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        n, sign = as_decimal(v), None
    elif isinstance(v, str):
        s = code(v)
        if s is None:
            return None
        s, sign = strip_suffix(s, ["%"])
        n = decimal_text(s, PERCENT_HINT)
    else:
        raise CellError(PERCENT_HINT)
    # A number below 1 without a % sign is a fraction: 0.0435 is 4.35%.
    return (n * 100 if sign is None and abs(n) < 1 else n).normalize()


def whole(v):
    hint = "应为不小于0的整数，如 12 或 12户"
    if v is None:
        return None
    if isinstance(v, str):
        s = code(v)
        if s is None:
            return None
        n = decimal_text(strip_suffix(s, ["户", "人", "家"])[0], hint)
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        n = as_decimal(v)
    else:
        raise CellError(hint)
    if n != n.to_integral_value() or n < 0 or n >= 2 ** 32:
        raise CellError(hint)
    return int(n)


def number(v):
    if v is None:
        return None
    if isinstance(v, str):
        s = code(v)
        return None if s is None else decimal_text(strip_suffix(s, ["分"])[0], "应为数字，如 85 或 85.5").normalize()
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return as_decimal(v).normalize()
    raise CellError("应为数字，如 85 或 85.5")


YES = {"是", "Y", "YES", "√", "✓", "✔", "TRUE", "1", "会员"}
NO = {"否", "N", "NO", "×", "✗", "✘", "X", "FALSE", "0", "非会员"}


def yes_no(v):
    if isinstance(v, bool):
        return v
    s = code(v)
    if s is None:
        return None
    if s.upper() in YES:
        return True
    if s.upper() in NO:
        return False
    raise CellError("请填写 是 或 否")


DATE_HINT = "不是有效日期，请写成 2024-03-15、2024/3/15 或 2024年3月15日"


def serial_date(n, is_1904=False):
    if not 1 <= n <= 2958465:
        raise CellError(DATE_HINT)
    if is_1904:
        return dt.date(1904, 1, 1) + dt.timedelta(days=n)
    # Excel's 1900 system counts a 1900-02-29 that never was (serial 60).
    return (dt.date(1899, 12, 30) if n >= 61 else dt.date(1899, 12, 31)) + dt.timedelta(days=n)


def ymd(y, m, d):
    if not (len(y) == 4 and all(s.isascii() and s.isdigit() and len(s) <= 4 for s in (y, m, d))):
        raise CellError(DATE_HINT)
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        raise CellError(f"日期不存在（{int(y)}年{int(m)}月{int(d)}日），请核对") from None


def as_date(v, is_1904=False):
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        d = v.date()
    elif isinstance(v, dt.date):
        d = v
    elif isinstance(v, bool):
        raise CellError(DATE_HINT)
    elif isinstance(v, (int, float)):
        n = int(v)
        d = ymd(str(n)[:4], str(n)[4:6], str(n)[6:]) if n == v and 19000101 <= n <= 99991231 \
            else serial_date(n, is_1904)
    else:
        s = text(v)
        if s is None:
            return None
        day, _, clock = s.replace("T", " ").partition(" ")
        s = day if ":" in clock else s
        s = "".join(s.split())
        if s.isascii() and s.isdigit():
            if len(s) == 8:
                d = ymd(s[:4], s[4:6], s[6:])
            elif len(s) == 5:
                d = serial_date(int(s), is_1904)
            else:
                raise CellError(DATE_HINT)
        else:
            parts = re.split(r"[-/.年月]", s[:-1] if s[-1:] in "日号" else s)
            if len(parts) != 3:
                raise CellError(DATE_HINT)
            d = ymd(*parts)
    if not 1950 <= d.year <= 2100:
        raise CellError(f"日期 {d} 的年份不合理，请核对")
    return d


# ---------------------------------------------------------------- codes

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def id_number(v):
    """GB 11643: 18 characters, a real birth date, the check digit."""
    if isinstance(v, (int, float)) and not isinstance(v, bool) and len(str(int(abs(v)))) >= 16:
        raise CellError("Excel 把身份证号存成了数字，末几位已丢失：请把该列设置为文本格式，再重新录入完整的18位号码")
    s = code(v)
    if s is None:
        return None
    s = s.upper()
    if "E" in s:
        try:
            if len(str(int(abs(Decimal(s))))) >= 16:
                raise CellError("Excel 把身份证号存成了数字，末几位已丢失：请把该列设置为文本格式")
        except (InvalidOperation, ValueError):
            pass
    if len(s) != 18:
        raise CellError(f"身份证号应为18位，现为{len(s)}位，请核对")
    if not (s[:17].isascii() and s[:17].isdigit()) or not (s[17] == "X" or s[17].isascii() and s[17].isdigit()):
        raise CellError("身份证号应为17位数字加1位数字或 X，请核对")
    try:
        if dt.datetime.strptime(s[6:14], "%Y%m%d").year < 1900:
            raise ValueError
    except ValueError:
        raise CellError(f"出生日期 {s[6:14]} 不存在，请核对") from None
    expected = ID_CHECK[sum(int(c) * w for c, w in zip(s, ID_WEIGHTS)) % 11]
    if s[17] != expected:
        raise CellError(f"校验位错误，应为 {expected}")
    return s


def credit_code(v):
    """GB 32100: 18 characters of the code's alphabet, the check character."""
    s = code(v)
    if s is None:
        return None
    s = s.upper()
    if len(s) != 18:
        raise CellError(f"统一社会信用代码应为18位，现为{len(s)}位，请核对")
    bad = [c for c in s if c not in CREDIT_CHARS]
    if bad:
        raise CellError(f"统一社会信用代码不能含“{bad[0]}”，请核对")
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(s, CREDIT_WEIGHTS))
    expected = CREDIT_CHARS[(31 - total % 31) % 31]
    if s[17] != expected:
        raise CellError(f"校验位错误，应为 {expected}")
    return s


def one_phone(s):
    s = s.removeprefix("+86").removeprefix("(+86)")
    if not s or not all(c.isascii() and c.isdigit() or c in "-()" for c in s):
        return False
    digits = "".join(c for c in s if c.isdigit())
    return (len(digits) == 11 and digits[0] == "1") or (digits[:1] == "0" and 10 <= len(digits) <= 12)


def phone(v):
    s = code(v)
    if s is None:
        return None
    s = re.sub("[—–‐‑−]", "-", s)
    if all(one_phone(p) for p in re.split("[/、;,；，]", s)):
        return s
    if isinstance(v, (int, float)) and not s.startswith("1"):
        raise CellError("固定电话的区号开头的0被 Excel 去掉了：请把该列设置为文本格式，写成如 0991-1234567")
    raise CellError("应为11位手机号，或带区号的固定电话（如 0991-1234567）")


def applicant_type(v):
    s = code(v)
    if s is None:
        return None
    if s in TYPES:
        return TYPES[s]
    if s in ALL_TYPES:
        return s
    raise CellError("应为 合作社、小微企业、个体工商户 或 个人")


def principal(v, unit):
    m = money(v, unit)
    if m is not None and m <= 0:
        raise CellError("贷款金额应大于0，请核对")
    if m is not None and m > 1_000_000_000:
        raise CellError("贷款金额超过10亿元，请核对单位")
    return m


def non_negative(v, unit):
    m = money(v, unit)
    if m is not None and m < 0:
        raise CellError("金额不能为负数，请核对")
    return m


def rate(v):
    r = percent(v)
    if r is not None and not 0 < r <= 24:
        raise CellError(f"年利率 {r}% 不在 0 到 24% 之间，请核对")
    return r


# ---------------------------------------------------------------- the sheets (docs/workbook.md)

# key: (header, synonyms, required, project-level, reader(value, unit))
LOAN_COLUMNS = {
    "project_no": ("项目编号", ["编号"], False, True, lambda v, u: code(v)),
    "unit": ("团场", ["单位", "所属单位", "所属团场"], True, True, lambda v, u: text(v)),
    "project_name": ("项目名称", ["示范项目名称"], True, True, lambda v, u: text(v)),
    "applicant_type": ("主体类型", ["申报主体类型", "类型"], True, True, lambda v, u: applicant_type(v)),
    "org_name": ("主体名称", ["合作社名称", "企业名称"], False, True, lambda v, u: text(v)),
    "credit_code": ("统一社会信用代码", ["信用代码"], False, True, lambda v, u: credit_code(v)),
    "leader": ("负责人", ["法定代表人", "申请人", "姓名"], True, True, lambda v, u: text(v)),
    "id_number": ("身份证号", ["身份证号码", "公民身份号码"], True, True, lambda v, u: id_number(v)),
    "phone": ("联系电话", ["手机号", "电话"], False, True, lambda v, u: phone(v)),
    "union_member": ("是否工会会员", ["工会会员"], False, True, lambda v, u: yes_no(v)),
    "industry": ("行业", ["行业类别"], False, True, lambda v, u: text(v)),
    "households": ("带动职工户数", ["带动户数"], True, True, lambda v, u: whole(v)),
    "hardship_households": ("困难职工户数", ["其中困难职工户数"], False, True, lambda v, u: whole(v)),
    "radiated_households": ("辐射带动户数", [], False, True, lambda v, u: whole(v)),
    "income_increase": ("户均增收", ["户均年增收"], False, True, non_negative),
    "bank": ("贷款银行", ["经办银行"], False, False, lambda v, u: text(v)),
    "contract_no": ("贷款合同编号", ["合同编号", "借款合同号"], True, False, lambda v, u: code(v)),
    "principal": ("贷款金额", ["贷款额度", "放款金额"], True, False, principal),
    "rate": ("年利率", ["贷款利率", "执行利率"], True, False, lambda v, u: rate(v)),
    "disbursed_on": ("放款日期", ["贷款发放日", "起贷日期"], True, False, lambda v, u: as_date(v)),
    "maturity_on": ("到期日期", ["贷款到期日"], True, False, lambda v, u: as_date(v)),
    "settled_on": ("结清日期", [], False, False, lambda v, u: as_date(v)),
    "interest_paid": ("已付利息", ["实付利息"], False, False, non_negative),
    "score": ("评审得分", ["得分"], False, True, lambda v, u: number(v)),
    "note": ("备注", [], False, True, lambda v, u: text(v)),
}
EVENT_COLUMNS = {
    "contract_no": ("贷款合同编号", ["合同编号"], True),
    "date": ("日期", ["发生日期"], True),
    "kind": ("事项", ["类型"], True),
    "amount": ("金额", ["还款金额"], False),
    "rate": ("年利率", ["调整后利率"], False),
    "extended_to": ("展期至", ["展期到期日"], False),
}
MONEY_KEYS = {"principal", "interest_paid", "income_increase", "amount"}


def split_header(raw):
    """`贷款金额（万元）` is 贷款金额 with unit 万元; spaces and required-marks go."""
    s = "".join(str(raw).translate(WIDTH).split()).strip("*※")
    if s.endswith(")") and "(" in s:
        name, _, unit = s[:-1].rpartition("(")
        return name.strip("*※"), unit.removeprefix("单位:")
    return s, None


def names_of(columns):
    """Header name → (key, whether it is the column's own name rather than a synonym)."""
    names = {}
    for key, spec in columns.items():
        for synonym in spec[1]:
            names.setdefault(synonym, (key, False))
    names.update({spec[0]: (key, True) for key, spec in columns.items()})
    return names


LOAN_NAMES, EVENT_NAMES = names_of(LOAN_COLUMNS), names_of(EVENT_COLUMNS)


def column_of(columns, cell):
    """(key, is the column's own name) of a header cell, or None."""
    if not isinstance(cell, str):
        return None
    names = LOAN_NAMES if columns is LOAN_COLUMNS else EVENT_NAMES
    return names.get(split_header(cell)[0])


def header_row(rows, columns, least):
    best = None
    for i, row in enumerate(rows[:10]):
        hits = sum(1 for c in row if column_of(columns, c))
        if hits >= least and (best is None or hits > best[1]):
            best = (i, hits)
    return best


def locate(rows, columns, least):
    """The header row: its index, and key → (column index, header as written, unit)."""
    found = header_row(rows, columns, least)
    if found is None:
        return None
    at, hits = found
    slots = {}
    # Own names first, so that 项目编号 wins over a 编号 column.
    for own in (True, False):
        for i, cell in enumerate(rows[at]):
            match = column_of(columns, cell)
            if match and match[1] == own and match[0] not in slots and i not in [s[0] for s in slots.values()]:
                slots[match[0]] = (i, cell, unit_of(split_header(cell)[1]))
    return at, hits, slots


def is_events_name(name):
    return any(w in name for w in ("还款", "变更", "事项")) and not any(w in name for w in ("说明", "注意"))


def pick_sheets(sheets):
    """docs/workbook.md "Sheets": (Loans sheet index, Events sheet index or None)."""
    names = [name for name, _ in sheets]
    loans = next((i for i, n in enumerate(names) if any(w in n for w in ("申报", "汇总", "项目"))
                  and not is_events_name(n)), 0)
    if header_row(sheets[loans][1], LOAN_COLUMNS, 4) is None:
        loans = next((i for i, (n, rows) in enumerate(sheets)
                      if not is_events_name(n) and header_row(rows, LOAN_COLUMNS, 4)), loans)
    events = next((i for i, n in enumerate(names) if i != loans and is_events_name(n)), None)
    return loans, events


def blank(v):
    return v is None or (isinstance(v, str) and not v.translate(WIDTH).strip())


def skipped(row, slots, hits, columns):
    """Empty rows, 合计 rows, and the header repeated (a printed sheet's second page)."""
    if all(blank(row[i]) for i, _, _ in slots.values() if i < len(row)):
        return True
    first = next((code(c) for c in row if code(c)), "")
    if first.startswith(("合计", "总计", "小计")):
        return True
    return sum(1 for c in row if column_of(columns, c)) >= hits


class Workbook:
    """The rows of one workbook, checked: projects ready for the rules, and the errors."""

    def __init__(self, sheets, policy, is_1904=False):
        self.errors = []
        self.policy = policy
        self.is_1904 = is_1904
        self.trusted = True
        loans_at, events_at = pick_sheets(sheets)
        self.sheet, rows = sheets[loans_at]
        self.groups = self.read_loans(rows)
        self.events, touched = {}, set()
        if events_at is not None:
            touched = self.read_events(*sheets[events_at])
        self.projects = [p for p in map(self.build, self.groups) if p is not None
                         and self.trusted and not any(l["contract_no"] in touched for l in p["loans"])]
        for p in self.projects:
            for loan in p["loans"]:
                loan["events"] = self.events.get(loan["contract_no"], [])

    def error(self, sheet, row, column, value, message):
        shown = "" if value is None else text(value) or ""
        self.errors.append({"sheet": sheet, "row": row, "column": column, "value": shown,
                            "message": f"第{row}行 {column}：{message}"})

    # -- Loans sheet

    def read_loans(self, rows):
        found = locate(rows, LOAN_COLUMNS, 4)
        if found is None:
            self.trusted = False
            self.error(self.sheet, 1, "", None, "前10行中找不到表头行：请在表格上方用申报模板的列名写一行表头")
            return []
        at, hits, self.slots = found
        self.absent = {k for k, spec in LOAN_COLUMNS.items() if spec[2] and k not in self.slots}
        if self.policy["require_member"] and "union_member" not in self.slots:
            self.absent.add("union_member")
        for key in self.absent:
            self.trusted = False
            self.error(self.sheet, at + 1, LOAN_COLUMNS[key][0], None, f"缺少“{LOAN_COLUMNS[key][0]}”列：请在表头行添加该列并填写")
        groups, by_key, last = [], {}, None
        for n, row in enumerate(rows[at + 1:], start=at + 2):
            if skipped(row, self.slots, hits, LOAN_COLUMNS):
                continue
            r = self.read_row(row, n)
            p = r["fields"]
            key = p.get("project_no") or (f"{p['id_number']}/{p['project_name']}"
                                          if p.get("id_number") and p.get("project_name") else None)
            if key is None and last is not None:
                group = last  # a row with neither continues the project above it (merged cells)
            elif key is None:
                group = {"key": f"第{n}行", "rows": []}
                groups.append(group)
            elif key in by_key:
                group = by_key[key]
            else:
                group = by_key[key] = {"key": key, "rows": []}
                groups.append(group)
            group["rows"].append(r)
            last = group
        return groups

    def read_row(self, row, n):
        fields, found, bad = {}, {}, set()
        for key, (i, written, unit) in self.slots.items():
            v = row[i] if i < len(row) else None
            if blank(v):
                continue
            found[key] = v
            if is_nothing(v):
                continue
            try:
                fields[key] = LOAN_COLUMNS[key][4](v, unit) if key not in ("disbursed_on", "maturity_on", "settled_on") \
                    else as_date(v, self.is_1904)
            except (CellError, InvalidOperation) as e:
                self.error(self.sheet, n, written, v, str(e))
                bad.add(key)
        return {"row": n, "fields": {k: v for k, v in fields.items() if v is not None}, "found": found, "bad": bad}

    def written(self, key):
        return self.slots[key][1] if key in self.slots else LOAN_COLUMNS[key][0]

    def build(self, group):
        """A project from its rows, or None (left out whole) when any row has a problem."""
        before = len(self.errors)
        merged = {}
        for key, spec in LOAN_COLUMNS.items():
            if not spec[3]:
                continue
            first = None
            for r in group["rows"]:
                v = r["fields"].get(key)
                if v is None:
                    continue
                same = "".join(v.split()) if isinstance(v, str) else v
                if first is None:
                    first, merged[key] = (r, same), v
                elif first[1] != same:
                    self.error(self.sheet, r["row"], self.written(key), r["found"].get(key),
                               f"与同一项目第{first[0]['row']}行不一致：同一项目各行的{spec[0]}应相同，请改成一致")
        head = group["rows"][0]
        required = ["unit", "project_name", "applicant_type", "leader", "id_number", "households"]
        if merged.get("applicant_type", "individual") != "individual":
            required.append("org_name")
        if self.policy["require_member"]:
            required.append("union_member")
        for key in required:
            if key not in merged and key not in self.absent and key not in head["bad"]:
                self.error(self.sheet, head["row"], self.written(key), head["found"].get(key), "必须填写，不能为空")
        loans = [self.loan(r) for r in group["rows"]]
        if len(self.errors) > before or any(r["bad"] for r in group["rows"]) or None in loans:
            return None
        return {"key": group["key"], "name": merged.get("project_name", ""),
                "type": merged.get("applicant_type", "individual"), "member": merged.get("union_member"),
                "households": merged.get("households", 0), "income": merged.get("income_increase"),
                "score": merged.get("score"), "loans": loans,
                "ids": [merged.get("id_number") or "", merged.get("credit_code") or ""]}

    def loan(self, r):
        f, before = r["fields"], len(self.errors)
        for key in ("contract_no", "principal", "rate", "disbursed_on", "maturity_on"):
            if key not in f and key not in self.absent and key not in r["bad"]:
                self.error(self.sheet, r["row"], self.written(key), r["found"].get(key), "必须填写，不能为空")
        d0, dm, ds = f.get("disbursed_on"), f.get("maturity_on"), f.get("settled_on")
        if d0 and dm and dm <= d0:
            self.error(self.sheet, r["row"], self.written("maturity_on"), r["found"].get("maturity_on"),
                       f"到期日期应晚于放款日期（{d0}），请核对两个日期")
        if d0 and ds and ds < d0:
            self.error(self.sheet, r["row"], self.written("settled_on"), r["found"].get("settled_on"),
                       f"结清日期不能早于放款日期（{d0}），请核对两个日期")
        if len(self.errors) > before or r["bad"]:
            return None
        return {"contract_no": f["contract_no"], "principal": f["principal"], "rate": f["rate"],
                "d0": d0, "dm": dm, "ds": ds, "paid": f.get("interest_paid"), "events": []}

    # -- Events sheet

    def read_events(self, sheet, rows):
        """Events by contract number; returns the contracts whose events have a problem."""
        touched = set()
        if all(blank(c) for row in rows for c in row):
            return touched
        found = locate(rows, EVENT_COLUMNS, 3)
        if found is None:
            self.trusted = False
            self.error(sheet, 1, "", None, "前10行中找不到表头行")
            return touched
        at, hits, slots = found
        for key, spec in EVENT_COLUMNS.items():
            if spec[2] and key not in slots:
                self.trusted = False
                self.error(sheet, at + 1, spec[0], None, f"缺少“{spec[0]}”列：请在表头行添加该列并填写")
        if not self.trusted:
            return touched
        principals = {}
        for g in self.groups:
            for r in g["rows"]:
                no = r["fields"].get("contract_no") or code(r["found"].get("contract_no"))
                if no and principals.get(no) is None:
                    principals[no] = r["fields"].get("principal")
        repaid, rates = {}, {}
        for n, row in enumerate(rows[at + 1:], start=at + 2):
            if skipped(row, slots, hits, EVENT_COLUMNS):
                continue
            cell = {k: (row[i] if i < len(row) else None) for k, (i, _, _) in slots.items()}
            for k in EVENT_COLUMNS:
                cell.setdefault(k, None)

            def problem(key, message):
                written = slots[key][1] if key in slots else EVENT_COLUMNS[key][0]
                self.error(sheet, n, written, cell[key], message)

            no = None if is_nothing(cell["contract_no"]) else code(cell["contract_no"])
            before = len(self.errors)
            event = self.event(cell, slots, problem)
            if no is None:
                problem("contract_no", "必须填写，不能为空")
                continue
            if event is None or len(self.errors) > before:
                touched.add(no)
                continue
            if no not in principals:
                problem("contract_no", "在申报表中找不到这个贷款合同编号：请核对编号，或在申报表中补上这笔贷款")
                continue
            kind, on, value = event
            if kind == "repayment":
                repaid[no] = repaid.get(no, 0) + value
                if principals[no] is not None and repaid[no] > principals[no]:
                    problem("amount", f"累计还款 {repaid[no]} 元超过贷款金额 {principals[no]} 元：请核对还款金额")
                    touched.add(no)
            elif kind == "rate_change":
                first = rates.setdefault((no, on), (value, n))
                if first[0] != value:
                    problem("rate", f"同一天（{on}）已有第{first[1]}行把利率调整为 {first[0]}%，两行不一致")
                    touched.add(no)
            self.events.setdefault(no, []).append(event)
        return touched

    def event(self, cell, slots, problem):
        def need(key, what, read):
            try:
                v = None if is_nothing(cell[key]) else read(cell[key])
            except (CellError, InvalidOperation) as e:
                problem(key, str(e))
                return None
            if v is None:
                problem(key, f"必须填写{what}")
            return v

        on = need("date", "日期", lambda v: as_date(v, self.is_1904))
        kind = code(cell["kind"]) or ""
        if kind == "还款":
            unit = slots["amount"][2] if "amount" in slots else None
            value = need("amount", "还款金额（事项为还款）", lambda v: money(v, unit))
            if value is not None and value <= 0:
                problem("amount", "还款金额应大于0，请核对")
                return None
            event = ("repayment", value)
        elif kind == "利率调整":
            event = ("rate_change", need("rate", "调整后的年利率（事项为利率调整）", rate))
        elif kind == "展期":
            event = ("extension", need("extended_to", "展期后的到期日期（事项为展期）", lambda v: as_date(v, self.is_1904)))
        elif kind in ("逾期开始", "逾期结束"):
            event = ("overdue_start" if kind == "逾期开始" else "overdue_end", None)
        else:
            problem("kind", "事项应为 还款、利率调整、逾期开始、逾期结束 或 展期")
            return None
        if on is None or (event[1] is None and event[0] in ("repayment", "rate_change", "extension")):
            return None
        return event[0], on, event[1]


# ---------------------------------------------------------------- the rules (docs/rules.md §3-§7)

def add_months(d, n):
    """docs/rules.md §3.2: keep the day of the month, clamped to the month's last day."""
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    first_of_next = dt.date(y + m // 12, m % 12 + 1, 1)
    return dt.date(y, m, min(d.day, (first_of_next - dt.timedelta(days=1)).day))


def rate_on(loan, day):
    """docs/rules.md §4: the contract rate, replaced from the date of each rate change on."""
    changes = sorted((on, r) for kind, on, r in loan["events"] if kind == "rate_change" and on <= day)
    return changes[-1][1] if changes else loan["rate"]


def balance_on(loan, day):
    """docs/rules.md §4: P − repayments dated on or before the day."""
    repaid = sum((a for kind, on, a in loan["events"] if kind == "repayment" and on <= day), Decimal(0))
    return max(loan["principal"] - repaid, Decimal(0))


def subsidised_rate(policy, r):
    """docs/rules.md §4: s(t) in percent, by rate.mode."""
    if policy["mode"] == "cap":
        return min(r, policy["cap"]) * policy["share"] / HUNDRED
    if policy["mode"] == "share":
        return r * policy["share"] / HUNDRED
    return max(r - policy["borrower"], Decimal(0))


def overdue_periods(policy, loan):
    """docs/rules.md §3.4: [start, end) periods; a start with no end lasts forever."""
    marks = sorted((on, kind == "overdue_end") for kind, on, _ in loan["events"]
                   if kind in ("overdue_start", "overdue_end"))
    periods, open_at = [], None
    for on, is_end in marks:
        if open_at is None and not is_end:
            open_at = on
        elif open_at is not None and is_end:
            periods.append((open_at, on))
            open_at = None
    if open_at is not None:
        periods.append((open_at, dt.date.max))
    return [p for p in periods if p[0] < policy["end"]]


def cut_out(parts, holes):
    """The days of [a, b) parts outside every [a, b) hole."""
    for hole_start, hole_end in holes:
        cut = []
        for a, b in parts:
            if hole_end <= a or hole_start >= b:
                cut.append((a, b))
            else:
                cut += [(a, hole_start), (hole_end, b)]
        parts = [(a, b) for a, b in cut if a < b]
    return parts


def eligible(policy, loan, holes=()):
    """docs/rules.md §3 and §9: the eligible intervals [a, b), the reasons for days lost, and
    the days removed because another round subsidised them (`holes`)."""
    maturity = loan["dm"]
    if policy["extensions"]:
        maturity = max([maturity] + [to for kind, _, to in loan["events"] if kind == "extension"])
    end = min(maturity, loan["ds"]) if loan["ds"] else maturity
    start = max(loan["d0"], policy["start"])
    end = min(end, add_months(loan["d0"], policy["months"]), policy["end"])
    if end <= start:
        return [], ["no_overlap"], 0
    left = cut_out([(start, end)], holes)
    removed = (end - start).days - sum((b - a).days for a, b in left)
    reasons = ["already_subsidised"] if removed else []
    if not left:
        return [], reasons, removed
    periods = overdue_periods(policy, loan)
    if periods and policy["overdue"] == "from_first_overdue":
        first = min(p[0] for p in periods)
        left = [(a, min(b, first)) for a, b in left]
    elif periods and policy["overdue"] == "exclude_days":
        left = cut_out(left, periods)
    elif periods and policy["overdue"] == "forfeit_loan":
        left = []
    left = [(a, b) for a, b in left if a < b]
    if not left:
        reasons.append("overdue_forfeit")
    return left, reasons, removed


def loan_result(policy, loan, factor, given=None):
    """docs/rules.md §3-§4 and §9 for one loan that is not excluded. factor: (C, ΣP) or None;
    given: the facts of §9 about it (holes, certified, cut) or None."""
    given = given or {}
    out = {"contract_no": loan["contract_no"], "eligible_days": 0, "computed": Decimal("0.00"),
           "subsidy": Decimal("0.00"), "reasons": []}
    intervals, out["reasons"], _ = eligible(policy, loan, given.get("holes", ()))
    cuts = sorted({on for kind, on, _ in loan["events"] if kind in ("repayment", "rate_change")})
    total = Decimal(0)  # Σ B × s × days, s in percent
    for a, b in intervals:
        out["eligible_days"] += (b - a).days
        edges = [a] + [c for c in cuts if a < c < b] + [b]
        for start, stop in zip(edges, edges[1:]):
            s = subsidised_rate(policy, rate_on(loan, start))
            total += balance_on(loan, start) * s * (stop - start).days / HUNDRED
    if factor:
        # f = C / ΣP, multiplied before the one division so that nothing is lost to it.
        computed = round_fen(total * factor[0] / (factor[1] * policy["basis"]))
    else:
        computed = round_fen(total / policy["basis"])
    out["computed"] = computed
    cut = given.get("cut")
    if cut == "excluded":
        out["reasons"].append("excluded_by_review")
        return out
    caps = [(loan["paid"], "limited_by_interest_paid"), (given.get("certified"), "limited_by_certified_interest"),
            (cut, "limited_by_review")]
    out["subsidy"] = min([computed] + [c for c, _ in caps if c is not None])
    out["reasons"] += [r for c, r in caps if c is not None and c == out["subsidy"] and c < computed]
    return out


def request(policy, project, excluded, facts=None, earlier=None):
    """docs/rules.md §4-§5 and §9: the loans of one project and its request. earlier: what the
    applicant was granted before (rounds, total), and what its projects of this round already
    asked (`facts` tells), or None."""
    counted = sum((l["principal"] for l, ex in zip(project["loans"], excluded) if not ex), Decimal(0))
    cap = policy["principal_cap"].get(project["type"])
    factor = (cap, counted) if cap is not None and counted > cap else None
    reasons = []
    if project["type"] not in policy["eligible_types"]:
        reasons.append("type_not_allowed")
    if policy["require_member"] and project["member"] is not True:
        reasons.append("not_union_member")
    if earlier and policy.get("max_rounds") is not None and earlier[0] >= policy["max_rounds"]:
        reasons.append("round_limit_reached")
    loans = []
    for loan, ex in zip(project["loans"], excluded):
        first = "duplicate_contract" not in ex
        if ex:
            r = {"contract_no": loan["contract_no"], "eligible_days": 0, "computed": Decimal("0.00"),
                 "subsidy": Decimal("0.00"), "reasons": ex}
        else:
            r = loan_result(policy, loan, factor, facts.given(loan) if facts else None)
        if reasons:
            r["subsidy"] = Decimal("0.00")
        if facts and first:
            r.update(facts.statement(loan))
        loans.append(r)
    requested = Decimal("0.00")
    if not reasons:
        requested = sum((l["subsidy"] for l in loans), Decimal("0.00"))
        limit = policy["max_per_project"]
        if limit is not None and requested > limit:
            requested = limit
            reasons.append("limited_by_project_cap")
        total = policy.get("max_total")
        if earlier and total is not None:
            left = max(total - earlier[1], Decimal("0.00"))
            if requested > left:
                requested = left
                reasons.append("limited_by_applicant_total")
    return {"key": project["key"], "name": project["name"], "applicant_type": project["type"],
            "reasons": reasons, "requested": requested, "loans": loans}


def largest_remainder(amount_fen, weights):
    """amount split in proportion to weights (fen): floors, then the leftover fen one each to
    the largest cut-off remainders, ties to the first (docs/rules.md §6)."""
    total = sum(weights)
    if total == 0:
        return [0] * len(weights)
    parts, remainders = [], []
    for i, w in enumerate(weights):
        q, r = divmod(w * amount_fen, total)
        parts.append(q)
        remainders.append((-r, i))
    for _, i in sorted(remainders)[: amount_fen - sum(parts)]:
        parts[i] += 1
    return parts


def grants(policy, projects, scores, budget):
    """docs/rules.md §6: grants against the budget, by pro_rata or priority."""
    asked = [to_fen(p["requested"]) for p in projects]
    if sum(asked) <= budget:
        return asked
    if policy["method"] == "pro_rata":
        return largest_remainder(budget, asked)
    order = sorted((i for i, a in enumerate(asked) if a > 0),
                   key=lambda i: (scores[i] is None, -(scores[i] or 0)))
    granted, left = [0] * len(asked), budget
    for i in order:
        if asked[i] <= left:
            granted[i], left = asked[i], left - asked[i]
        else:
            if policy["partial_last"]:
                granted[i] = left
            break
    return granted


def status(requested, granted):
    if requested <= 0:
        return "ineligible"
    if granted == requested:
        return "funded"
    return "partially_funded" if granted > 0 else "waitlisted"


def half_up_2(x):
    return x.quantize(FEN, rounding=ROUND_HALF_UP)


def compute(policy, projects, facts=None):
    """docs/rules.md §3-§7 over the round's projects, in workbook order; with `facts` (facts.py),
    §9 too."""
    seen, excluded = set(), []
    for p in projects:
        marks = []
        for loan in p["loans"]:
            ex = []
            if loan["contract_no"] in seen:
                ex.append("duplicate_contract")
            seen.add(loan["contract_no"])
            if policy["ceiling"] is not None and rate_on(loan, loan["d0"]) > policy["ceiling"]:
                ex.append("rate_above_ceiling")
            marks.append(ex)
        excluded.append(marks)
    results = []
    for p, ex in zip(projects, excluded):
        earlier = facts.earlier(p) if facts else None
        results.append(request(policy, p, ex, facts, earlier))
        if facts:
            facts.asked(p, results[-1])
    remaining = [to_fen(pool["amount"]) for pool in policy["pools"]]
    budget = sum(remaining)
    granted = grants(policy, results, [p["score"] for p in projects], budget)
    totals = {"projects": len(projects), "funded_projects": 0, "requested": Decimal("0.00"),
              "granted": Decimal("0.00"), "loans_unlocked": Decimal("0.00"), "households": 0}
    contracts, income_weighted, income_households = set(), Decimal(0), 0
    for r, p, g in zip(results, projects, granted):
        # docs/rules.md §6 pool split: one project at a time, in proportion to what the pools have left.
        parts = largest_remainder(g, remaining)
        remaining = [left - part for left, part in zip(remaining, parts)]
        r["granted"] = yuan(g)
        r["pools"] = {pool["name"]: yuan(part) for pool, part in zip(policy["pools"], parts)}
        r["status"] = status(r["requested"], r["granted"])
        totals["requested"] += r["requested"]
        if g <= 0:
            continue
        totals["funded_projects"] += 1
        totals["granted"] += r["granted"]
        totals["households"] += p["households"]
        for loan in p["loans"]:
            if loan["contract_no"] not in contracts:
                contracts.add(loan["contract_no"])
                totals["loans_unlocked"] += loan["principal"]
        if p["income"] is not None:
            income_weighted += p["income"] * p["households"]
            income_households += p["households"]
    totals["leverage"] = half_up_2(totals["loans_unlocked"] / totals["granted"]) if totals["granted"] else None
    totals["avg_income_increase"] = half_up_2(income_weighted / income_households) if income_households else None
    return {"round": {"year": policy["year"], "budget": yuan(budget)}, "projects": results, "totals": totals,
            "pools": [{"name": pool["name"], "remaining": yuan(left)} for pool, left in zip(policy["pools"], remaining)]}


def calculate(sheets, policy, is_1904=False):
    """Check the rows already read and compute the round: what `tiexi calc` does after reading."""
    book = Workbook(sheets, policy, is_1904)
    result = compute(policy, book.projects)
    result["errors"] = book.errors
    return result


# ---------------------------------------------------------------- reading the workbook

def spread_merged(rows, ranges):
    """docs/workbook.md: a merged cell's value holds for every cell it spans (0-based, inclusive)."""
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]) or blank(rows[r0][c0]):
            continue
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if blank(row[c]):
                    row[c] = rows[r0][c0]
    return rows


def openpyxl_merges(path, ws):
    # openpyxl's read-only mode does not read <mergeCells> (after the rows): take them from
    # the sheet's XML.
    import zipfile
    from openpyxl.utils.cell import range_boundaries
    with zipfile.ZipFile(path) as z:
        xml = z.read(ws._worksheet_path)
    at = xml.rfind(b"<mergeCells")
    refs = re.findall(rb'<mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"', xml[at:]) if at >= 0 else []
    ranges = []
    for ref in refs:
        c0, r0, c1, r1 = range_boundaries(ref.decode())
        ranges.append(((r0 - 1, c0 - 1), (r1 - 1, c1 - 1)))
    return ranges


def read_openpyxl(path):
    import openpyxl
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = []
    for ws in book.worksheets:
        # Rows as the sheet has them from A1 (read-only mode starts at the first used cell).
        ws.reset_dimensions()
        rows = [list(r) for r in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
        sheets.append((ws.title, spread_merged(rows, openpyxl_merges(path, ws))))
    is_1904 = book.epoch == dt.datetime(1904, 1, 1)
    book.close()
    return sheets, is_1904


def read_calamine(path):
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(path)
    sheets = []
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        rows = [[None if c == "" else c for c in r] for r in sheet.to_python(skip_empty_area=False)]
        sheets.append((name, spread_merged(rows, sheet.merged_cell_ranges or [])))
    return sheets, xlsx_1904(path)


def xlsx_1904(path):
    """Whether an .xlsx counts its serial dates from 1904 (python-calamine does not say)."""
    import zipfile
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as z:
        if "xl/workbook.xml" not in z.namelist():
            return False
        return re.search(rb'date1904="(1|true)"', z.read("xl/workbook.xml")) is not None


READERS = {"openpyxl": read_openpyxl, "calamine": read_calamine}


def run(reader, path, policy):
    sheets, is_1904 = reader(path)
    return calculate(sheets, policy, is_1904)


def median_ms(f, runs):
    times, result = [], None
    for _ in range(runs):
        result = None  # the last run's result is not kept alive during this one
        start = time.perf_counter()
        result = f()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main():
    args = sys.argv[1:]
    policy_path = POLICY
    if "--policy" in args:
        at = args.index("--policy")
        policy_path = args[at + 1]
        del args[at:at + 2]
    which, path = args[0], args[1]
    runs = int(args[2]) if len(args) > 2 else 3
    reader = READERS[which]
    policy = load_policy(policy_path)
    ms, result = median_ms(lambda: run(reader, path, policy), runs)
    t = result["totals"]
    print(f"# {which}: {t['projects']} projects, {len(result['errors'])} errors, requested {t['requested']}, "
          f"granted {t['granted']}", file=sys.stderr)
    print(f"figure python-{which} {ms:.1f} {runs}")
    del result
    if len(args) > 3:
        # The engine's peer: checks and rules alone, on rows already read.
        sheets, is_1904 = reader(path)
        ms, _ = median_ms(lambda: calculate(sheets, policy, is_1904), runs)
        print(f"figure python-decimal-engine {ms:.1f} {runs}")
        # The rules alone (docs/rules.md §3-§7) on projects already checked: what the engine
        # figure (`figures engine N`) times, engine::compute on imported projects.
        projects = Workbook(sheets, policy, is_1904).projects
        ms, _ = median_ms(lambda: compute(policy, projects), runs)
        print(f"figure python-decimal-rules {ms:.1f} {runs}")


if __name__ == "__main__":
    main()

"""The peer of docs/rules.md §9 and docs/facts.md, written apart from tiexi's code: the banks'
interest statements, review cuts and earlier rounds read from the files of
`tiexi calc --statements/--cuts/--history`, and the rules that use them, with `decimal`.

subsidy.compute(policy, projects, Facts(...)) applies them; check.py compares the result
with tiexi calc's JSON (`certified`, `statement_difference`, `statement_cause` included).
Where tiexi sums pieces of constant balance and rate, this peer sums day by day.
"""

import csv
import datetime as dt
import io
import json
from decimal import ROUND_HALF_UP, Decimal

import subsidy
from subsidy import CellError, as_date, code, money, round_fen, split_header, text, unit_of

ONE_DAY = dt.timedelta(days=1)
TOLERANCE = Decimal("1.00")

STATEMENT_COLUMNS = {
    "contract_no": ("贷款合同编号", ["合同编号", "借款合同号"], True),
    "from": ("计息起日", ["起息日", "结息起日"], True),
    "to": ("计息止日", ["止息日", "结息止日", "结息日"], True),
    "paid": ("实收利息", ["正常利息", "已收利息", "实付利息"], True),
    "penalty": ("罚息", ["罚息及复利", "复利"], False),
    "bank": ("银行", ["经办银行"], False),
}
NAMES = subsidy.names_of(STATEMENT_COLUMNS)
REASONS = {"材料不全": "materials_incomplete", "贷款用途不符": "purpose_mismatch", "逾期未还": "overdue",
           "非本年度贷款": "not_this_year", "其他": "other"}
CUT_COLUMNS = [("contract_no", ["contract_no", "贷款合同编号", "合同编号"]), ("excluded", ["excluded", "不予贴息", "剔除"]),
               ("amount", ["amount", "核定金额", "核减后金额"]), ("reason", ["reason", "核减原因", "原因"]),
               ("text", ["text", "说明", "备注"])]


def decode(raw):
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gbk")


def name_of(cell):
    return NAMES.get(split_header(cell)[0]) if isinstance(cell, str) else None


# ---------------------------------------------------------------- statements

def read_statement(path, reader):
    """One statement file: {"sheets": [...], "lines": [...], "errors": [...], "touched": set()}."""
    if path.endswith(".csv"):
        with open(path, "rb") as f:
            rows = [[c if c.strip() else None for c in r] for r in csv.reader(io.StringIO(decode(f.read())))]
        sheets, is_1904 = [("结息清单", rows)], False
    else:
        sheets, is_1904 = reader(path)
    named = [s for s in sheets if "结息" in s[0] or "利息" in s[0]]
    out = {"sheets": [], "lines": [], "errors": [], "touched": set()}
    for name, rows in named or sheets[:1]:
        read_sheet(name, rows, is_1904, out)
    return out


def locate(rows):
    best = None
    for i, row in enumerate(rows[:10]):
        hits = sum(1 for c in row if name_of(c))
        if hits >= 3 and (best is None or hits > best[1]):
            best = (i, hits)
    if best is None:
        return None
    slots = {}
    for own in (True, False):
        for i, cell in enumerate(rows[best[0]]):
            m = name_of(cell)
            if m and m[1] == own and m[0] not in slots and i not in [s[0] for s in slots.values()]:
                slots[m[0]] = (i, cell, unit_of(split_header(cell)[1]))
    return best[0], best[1], slots


def read_sheet(name, rows, is_1904, out):
    def error(row, key, value, message):
        written = slots[key][1] if key in slots else STATEMENT_COLUMNS[key][0]
        out["errors"].append({"sheet": name, "row": row, "column": written, "value": text(value) or "", "message": message})

    found = locate(rows)
    if found is None:
        if any(not subsidy.blank(c) for r in rows for c in r):
            out["errors"].append({"sheet": name, "row": 1, "column": "", "value": "", "message": "找不到表头行"})
        return
    at, hits, slots = found
    missing = [k for k, spec in STATEMENT_COLUMNS.items() if spec[2] and k not in slots]
    for key in missing:
        error(at + 1, key, None, "缺少列")
    if missing:
        return
    sheet = len(out["sheets"])
    out["sheets"].append(name)
    for n, row in enumerate(rows[at + 1:], start=at + 2):
        cell = {k: (row[i] if i < len(row) else None) for k, (i, _, _) in slots.items()}
        if all(subsidy.blank(v) for v in cell.values()):
            continue
        first = next((code(c) for c in row if code(c)), "")
        if first.startswith(("合计", "总计", "小计")) or sum(1 for c in row if name_of(c)) >= hits:
            continue
        before, got = len(out["errors"]), {}
        for key in ("contract_no", "from", "to", "paid", "penalty"):
            v = cell.get(key)
            try:
                if key == "contract_no":
                    if isinstance(v, float) and len(str(int(abs(v)))) >= 16:
                        raise CellError("末几位已丢失")
                    got[key] = None if subsidy.is_nothing(v) else code(v)
                elif key in ("from", "to"):
                    got[key] = None if subsidy.is_nothing(v) else as_date(v, is_1904)
                else:
                    got[key] = money(None if subsidy.is_nothing(v) else v, slots[key][2] if key in slots else None)
                    if got[key] is not None and got[key] < 0:
                        raise CellError("金额不能为负数")
            except CellError as e:
                error(n, key, v, str(e))
                got[key] = None
                continue
            if got[key] is None and STATEMENT_COLUMNS[key][2]:
                error(n, key, v, "必须填写")
        if got["from"] and got["to"] and got["to"] < got["from"]:
            error(n, "to", cell["to"], "计息止日早于计息起日")
        if len(out["errors"]) == before:
            out["lines"].append({"sheet": sheet, "row": n, "contract_no": got["contract_no"], "from": got["from"],
                                 "to": got["to"], "paid": got["paid"],
                                 "columns": (slots["contract_no"][1], slots["from"][1])})
        elif got["contract_no"]:
            out["touched"].add(got["contract_no"])


def assemble(files, known):
    """(lines by contract, errors, touched): unknown contracts and overlapping periods at their row."""
    errors = [e for f in files for e in f["errors"]]
    touched = set().union(*(f["touched"] for f in files)) if files else set()
    by_contract = {}
    for fi, f in enumerate(files):
        for i, line in enumerate(f["lines"]):
            where = {"sheet": f["sheets"][line["sheet"]], "row": line["row"]}
            if line["contract_no"] not in known:
                errors.append({**where, "column": line["columns"][0], "message": "unknown contract"})
            else:
                by_contract.setdefault(line["contract_no"], []).append((line["from"], fi, i, line, where))
    for contract, lines in by_contract.items():
        lines.sort(key=lambda x: x[:3])
        reach = None
        for _, _, _, line, where in lines:
            if reach is not None and line["from"] <= reach["to"]:
                errors.append({**where, "column": line["columns"][1], "message": "overlap"})
                touched.add(contract)
                if line["to"] > reach["to"]:
                    reach = line
            else:
                reach = line
    lines = {}
    for f in files:
        for line in f["lines"]:
            if line["contract_no"] in known and line["contract_no"] not in touched:
                lines.setdefault(line["contract_no"], []).append((line["from"], line["to"], line["paid"]))
    return lines, errors, touched


# ---------------------------------------------------------------- cuts and history

def read_cuts(path, known):
    """(cuts by contract: "excluded" or an amount, errors, touched)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    with open(path, "rb") as f:
        rows = list(csv.reader(io.StringIO(decode(f.read()))))
    cuts, errors, touched = {}, [], set()
    header = [h.strip() for h in rows[0]] if rows else []
    at = {k: next((i for i, h in enumerate(header) if h in names), None) for k, names in CUT_COLUMNS}
    for n, row in enumerate(rows[1:], start=2):
        cell = {k: (row[i].strip() if i is not None and i < len(row) else "") for k, i in at.items()}
        if not any(cell.values()):
            continue

        def bad(key):
            errors.append({"sheet": name, "row": n, "column": header[at[key]] if at[key] is not None else key})

        contract = "".join(cell["contract_no"].split())
        if not contract or contract not in known:
            bad("contract_no")
            continue
        if contract in cuts or contract in touched:
            bad("contract_no")
            cuts.pop(contract, None)
            touched.add(contract)
            continue
        before = len(errors)
        try:
            excluded = subsidy.yes_no(cell["excluded"]) if cell["excluded"] else None
        except CellError:
            excluded = "bad"
            bad("excluded")
        try:
            amount = money(cell["amount"] or None)
        except CellError:
            amount = "bad"
            bad("amount")
        if amount != "bad" and excluded != "bad":
            if excluded and amount is not None:
                bad("amount")
            elif not excluded and (amount is None or amount < 0):
                bad("amount")
        reason = REASONS.get(cell["reason"]) or (cell["reason"] if cell["reason"] in REASONS.values() else None)
        if reason is None:
            bad("reason")
        if reason == "other" and not cell["text"]:
            bad("text")
        if len(errors) > before:
            touched.add(contract)
        else:
            cuts[contract] = "excluded" if excluded else amount
    return cuts, errors, touched


def read_history(path):
    with open(path, encoding="utf-8-sig") as f:
        raw = json.load(f)
    norm = lambda s: "".join(s.split())  # noqa: E731
    applicants = {}
    for identity, grants in raw.get("applicants", {}).items():
        applicants.setdefault(norm(identity).upper(), []).extend(
            (g["year"], g["project"], Decimal(g["granted"])) for g in grants)
    contracts = {}
    for contract, days in raw.get("contracts", {}).items():
        contracts.setdefault(norm(contract), []).extend(
            (d["year"], dt.date.fromisoformat(d["start"]), dt.date.fromisoformat(d["end"])) for d in days)
    return {"applicants": applicants, "contracts": contracts}


# ---------------------------------------------------------------- the rules

class Facts:
    def __init__(self, policy, statements=None, cuts=None, history=None):
        self.policy = policy
        self.statements = statements or {}
        self.cuts = cuts or {}
        self.history = history or {"applicants": {}, "contracts": {}}
        self.this_round = {}  # identity → {project key: request}

    def given(self, loan):
        c = loan["contract_no"]
        holes = [(a, b) for year, a, b in self.history["contracts"].get(c, []) if year != self.policy["year"]]
        return {"holes": holes, "certified": self.certified(c), "cut": self.cuts.get(c)}

    def shares(self, c):
        """Each line with a day in the window: its days inside, and its share, rounded."""
        start, end = self.policy["start"], self.policy["end"]
        for a, b, paid in self.statements.get(c, []):
            inside = (min(b + ONE_DAY, end) - max(a, start)).days
            if inside > 0:
                yield max(a, start), min(b + ONE_DAY, end), round_fen(paid * inside / (b + ONE_DAY - a).days)

    def certified(self, c):
        shares = [s for _, _, s in self.shares(c)]
        return sum(shares, Decimal("0.00")) if shares else None

    def statement(self, loan):
        """`certified`, and beyond 1 yuan `statement_difference` and `statement_cause`."""
        c = loan["contract_no"]
        out = {"certified": self.certified(c), "statement_difference": None, "statement_cause": None}
        rows = list(self.shares(c))
        if not rows:
            return out
        maturity = max([loan["dm"]] + [to for kind, _, to in loan["events"] if kind == "extension"])
        last = min(maturity, loan["ds"]) if loan["ds"] else maturity
        basis = self.policy["basis"]
        per = []  # (certified share, Σ B·r, Σ B, B·r of the last running day, days not running)
        for a, b, share in rows:
            br, bal, end_day, outside, day = Decimal(0), Decimal(0), Decimal(0), 0, a
            while day < b:
                if loan["d0"] <= day < last:
                    balance = subsidy.balance_on(loan, day)
                    end_day = balance * subsidy.rate_on(loan, day)
                    br, bal = br + end_day, bal + balance
                else:
                    outside += 1
                day += ONE_DAY
            per.append((share, br, bal, end_day, outside))
        certified = sum(p[0] for p in per)
        total = sum(p[1] for p in per)
        difference = certified - round_fen(total / (100 * basis))
        if abs(difference) <= TOLERANCE:
            return out
        out["statement_difference"] = difference
        out["statement_cause"] = cause(per, certified, total, basis)
        return out

    def earlier(self, project):
        """(earlier rounds, earlier grants + this round's requests so far), or None."""
        if self.policy.get("max_rounds") is None and self.policy.get("max_total") is None:
            return None
        grants = {}
        for identity in filter(None, project["ids"]):
            for year, key, granted in self.history["applicants"].get(identity, []):
                if year < self.policy["year"] and granted > 0:
                    grants[(year, key)] = granted
        asked = {}
        for identity in filter(None, project["ids"]):
            asked.update(self.this_round.get(identity, {}))
        return len({y for y, _ in grants}), sum(grants.values(), Decimal(0)) + sum(asked.values(), Decimal(0))

    def asked(self, project, result):
        if self.policy.get("max_total") is not None and result["requested"] > 0:
            for identity in filter(None, project["ids"]):
                self.this_round.setdefault(identity, {})[project["key"]] = result["requested"]


def cause(per, certified, total, basis):
    """docs/facts.md "Reconciliation": days, then rate, then balance."""
    def fits(numerator, b):
        return abs(certified - round_fen(numerator / (100 * b))) <= TOLERANCE

    one_day = sum(p[3] for p in per)
    other = Decimal(365) if basis == 360 else Decimal(360)
    if any(p[4] for p in per) or fits(total + one_day, basis) or fits(total - one_day, basis) or fits(total, other):
        return "days"
    numerator = Decimal(0)
    for share, br, bal, _, _ in per:
        if abs(share - round_fen(br / (100 * basis))) <= TOLERANCE:
            numerator += br
            continue
        if bal == 0:
            return "balance"
        r = (share * 100 * basis / bal).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if not 0 < r <= 24:
            return "balance"
        numerator += r * bal
    return "rate" if fits(numerator, basis) else "balance"


def run(reader, path, policy, statements=(), cuts=None, history=None):
    """What `tiexi calc --statements … --cuts … --history …` does: the workbook checked, the
    facts read against its contracts, the projects they touch left out, then the rules."""
    sheets, is_1904 = reader(path)
    book = subsidy.Workbook(sheets, policy, is_1904)
    known = {loan["contract_no"] for p in book.projects for loan in p["loans"]}
    errors, touched, lines, cut = list(book.errors), set(), {}, {}
    if statements:
        lines, found, hit = assemble([read_statement(s, reader) for s in statements], known)
        errors, touched = errors + found, touched | hit
    if cuts:
        cut, found, hit = read_cuts(cuts, known)
        errors, touched = errors + found, touched | hit
    projects = [p for p in book.projects if not any(loan["contract_no"] in touched for loan in p["loans"])]
    result = subsidy.compute(policy, projects, Facts(policy, lines, cut, read_history(history) if history else None))
    result["errors"] = errors
    return result

"""Proof that the peer does the same work as tiexi: run both on a workbook and compare.

    python3 check.py [--tiexi BIN] [--policy POLICY.toml] [--reader calamine|openpyxl] WORKBOOK...
    python3 check.py [--tiexi BIN] --case DIR...    # DIR holds policy.toml and applicants.xlsx
    python3 check.py [--tiexi BIN] --variants --case DIR...  # and under every policy of VARIANTS
    python3 check.py --expected --case DIR...       # against DIR/expected.json (no errors), no binary

A case folder's facts of docs/rules.md §9 (statements*, cuts.csv, history.json, as in
tests/cases/facts*) go to both tiexi calc and the peer (facts.py); each loan's
`certified`, `statement_difference` and `statement_cause` are compared too.

Runs `tiexi calc --json --policy POLICY WORKBOOK` and the peer (subsidy.py) on the same
workbook and policy, and compares the round's budget, every project (key, status,
reasons, requested, granted, the pool parts) and every loan (contract number, eligible
days, computed, subsidy, reasons) in order, the round totals, and where the errors are
(sheet, row, column). Prints each difference (the first 20 per workbook) and exits 1 on
any, 0 when everything is equal.
"""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import facts  # noqa: E402
import subsidy  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TIEXI = os.environ.get("TIEXI") or os.path.join(
    os.environ.get("CARGO_TARGET_DIR", os.path.join(HERE, "..", "..", "target")), "release", "tiexi")


def money(d):
    return None if d is None else f"{d:.2f}"


def as_json(result):
    """The peer's result in the shape of docs/cli.md's JSON."""
    t = result["totals"]
    return {
        "round": {"year": result["round"]["year"], "budget": money(result["round"]["budget"])},
        "projects": [{
            "key": p["key"],
            "applicant_type": p["applicant_type"],
            "status": p["status"],
            "reasons": p["reasons"],
            "requested": money(p["requested"]),
            "granted": money(p["granted"]),
            "pools": {k: money(v) for k, v in p["pools"].items()},
            "loans": [{
                "contract_no": l["contract_no"],
                "eligible_days": l["eligible_days"],
                "computed": money(l["computed"]),
                "subsidy": money(l["subsidy"]),
                "reasons": l["reasons"],
                # docs/rules.md §9 (docs/facts.md)
                "certified": money(l.get("certified")),
                "statement_difference": money(l.get("statement_difference")),
                "statement_cause": l.get("statement_cause"),
            } for l in p["loans"]],
        } for p in result["projects"]],
        "totals": {
            "projects": t["projects"],
            "funded_projects": t["funded_projects"],
            "requested": money(t["requested"]),
            "granted": money(t["granted"]),
            "loans_unlocked": money(t["loans_unlocked"]),
            "leverage": None if t["leverage"] is None else str(t["leverage"]),
            "households": t["households"],
            "avg_income_increase": None if t["avg_income_increase"] is None else str(t["avg_income_increase"]),
        },
        "errors": [{"sheet": e["sheet"], "row": e["row"], "column": e["column"]} for e in result["errors"]],
    }


def where(e):
    return (e.get("sheet"), e.get("row"), e.get("column"))


def compare(expected, got, path, diffs):
    """Every field of `expected` that the peer also produces must be equal in `got`."""
    if isinstance(expected, dict) and isinstance(got, dict):
        for k, v in expected.items():
            if k in got:
                compare(v, got[k], f"{path}.{k}", diffs)
    elif isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            diffs.append(f"{path}: tiexi has {len(expected)} entries, the peer {len(got)}")
        for i, (a, b) in enumerate(zip(expected, got)):
            key = a.get("key") or a.get("contract_no") if isinstance(a, dict) else None
            compare(a, b, f"{path}[{i}{' ' + key if key else ''}]", diffs)
    elif expected != got:
        diffs.append(f"{path}: tiexi {json.dumps(expected, ensure_ascii=False)}, "
                     f"peer {json.dumps(got, ensure_ascii=False)}")


# Policies that between them take every branch of docs/rules.md §2-§6, for --variants: the
# rate modes, the ceiling, both day counts, the overdue rules, extensions, member and type
# rules, caps, and both allocations against a budget too small for the requests.
VARIANTS = {
    "ceiling-priority-exclude": """
day_count = "ACT/365"
overdue = "exclude_days"
subsidize_extensions = true
[rate]
mode = "cap"
cap_percent = 4.5
share_percent = 80
max_contract_percent = 6.0
[term]
max_months = 18
[limits]
max_subsidy_per_project = 20000
[allocation]
method = "priority"
partial_last = true
""",
    "floor-forfeit-types": """
overdue = "forfeit_loan"
require_union_member = false
eligible_types = ["cooperative", "individual_business"]
[rate]
mode = "borrower_floor"
borrower_percent = 2.15
[principal_cap]
cooperative = 250000
individual_business = 100000
[allocation]
method = "pro_rata"
""",
    "share-first-overdue": """
overdue = "from_first_overdue"
[rate]
mode = "share"
share_percent = 50
max_contract_percent = 4.75
[principal_cap]
enterprise = 500000
individual = 80000
[allocation]
method = "priority"
partial_last = false
""",
}


def variant_policy(base, name, folder):
    """A whole policy file: the base's year and window, the variant's rules, a small budget."""
    year = subsidy.load_policy(base)["year"]
    with open(base, encoding="utf-8") as f:
        window = [line for line in f if line.startswith("window")]
    path = os.path.join(folder, f"{name}.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"year = {year}\n{''.join(window)}{VARIANTS[name]}")
        f.write('\n[[pools]]\nname = "兵团项目资金"\nkind = "funded"\namount = 12345.67\n'
                '\n[[pools]]\nname = "自筹"\nkind = "matched"\namount = 7654.32\n'
                '\n[[pools]]\nname = "团场配套"\nkind = "matched"\namount = 999.99\n')
    return path


def facts_of(folder):
    """The facts files a case folder holds (docs/rules.md §9): statements*, cuts.csv, history.json."""
    if folder is None or not os.path.isdir(folder):
        return {}
    statements = sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.startswith("statements"))
    found = {"statements": statements}
    for key, name in (("cuts", "cuts.csv"), ("history", "history.json")):
        if os.path.exists(os.path.join(folder, name)):
            found[key] = os.path.join(folder, name)
    return found


def facts_args(given):
    args = [a for s in given.get("statements", []) for a in ("--statements", s)]
    for key in ("cuts", "history"):
        if key in given:
            args += [f"--{key}", given[key]]
    return args


def tiexi_calc(binary, policy, workbook, given=None):
    out = subprocess.run([binary, "calc", "--json", "--policy", policy, workbook] + facts_args(given or {}),
                         capture_output=True, check=False)
    if out.returncode not in (0, 1):
        sys.exit(f"tiexi calc failed ({out.returncode}): {out.stderr.decode()}")
    return json.loads(out.stdout)


def check(expected, policy, workbook, reader, given=None):
    reader_fn, policy = subsidy.READERS[reader], subsidy.load_policy(policy)
    if given:
        peer = as_json(facts.run(reader_fn, workbook, policy, given.get("statements", ()), given.get("cuts"),
                                 given.get("history")))
    else:
        peer = as_json(subsidy.run(reader_fn, workbook, policy))
    expected = json.loads(json.dumps(expected))
    # tiexi gives statement_difference and its cause only beyond 1 yuan; the peer always says.
    for p in expected.get("projects", []):
        for loan in p.get("loans", []):
            loan.setdefault("certified", None)
            loan.setdefault("statement_difference", None)
            loan.setdefault("statement_cause", None)
    errors = [where(e) for e in expected.pop("errors", [])]
    diffs = []
    compare(expected, peer, "", diffs)
    peer_errors = [where(e) for e in peer["errors"]]
    if errors and sorted(errors) != sorted(peer_errors):
        diffs.append(f".errors: tiexi at {sorted(set(errors) - set(peer_errors))} only, "
                     f"the peer at {sorted(set(peer_errors) - set(errors))} only")
    loans = sum(len(p["loans"]) for p in peer["projects"])
    return diffs, f"{len(peer['projects'])} projects, {loans} loans, {len(peer_errors)} errors, " \
                  f"granted {peer['totals']['granted']}"


def main():
    args = sys.argv[1:]

    def option(name, default):
        if name in args:
            at = args.index(name)
            value = args[at + 1]
            del args[at:at + 2]
            return value
        return default

    binary = option("--tiexi", DEFAULT_TIEXI)
    policy = option("--policy", subsidy.POLICY)
    reader = option("--reader", "calamine")
    use_expected = "--expected" in args
    cases = "--case" in args
    variants = "--variants" in args
    args = [a for a in args if a not in ("--expected", "--case", "--variants")]
    if not args:
        sys.exit(__doc__)
    failed = False
    for target in args:
        given = facts_of(target) if cases else {}
        if cases:
            policy_file, workbook = os.path.join(target, "policy.toml"), os.path.join(target, "applicants.xlsx")
        else:
            policy_file, workbook = policy, target
        if use_expected:
            with open(os.path.join(target, "expected.json"), encoding="utf-8") as f:
                expected = json.load(f)
        else:
            expected = tiexi_calc(binary, policy_file, workbook, given)
        runs = [(target, policy_file, expected)]
        if variants:
            folder = tempfile.mkdtemp(prefix="peer-variants-")
            for name in VARIANTS:
                path = variant_policy(policy_file, name, folder)
                runs.append((f"{target} [{name}]", path, tiexi_calc(binary, path, workbook, given)))
        for label, policy_used, wanted in runs:
            diffs, summary = check(wanted, policy_used, workbook, reader, given)
            print(f"{label}: {summary}: {'equal' if not diffs else f'{len(diffs)} differences'}")
            for d in diffs[:20]:
                print(f"  {d}")
            failed |= bool(diffs)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

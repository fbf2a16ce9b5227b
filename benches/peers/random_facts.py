"""Random facts of docs/rules.md §9 for the golden cases, to cross-check tiexi with the peer.

    python3 random_facts.py [--tiexi BIN] [--seeds N] CASE_DIR...

For each case folder and seed, writes into a temporary folder the case's applicants.xlsx,
its policy with applicant limits added, and random statements (two files: an .xlsx and a
.csv, periods that sometimes straddle the window, sometimes overlap, sometimes name an
unknown contract), cuts.csv (excluded, amounts, now and then a bad line) and history.json
(earlier grants by ID number, subsidised days of some contracts, in other years and in the
round's own); then runs check.py on it. Exits 1 on any difference.
"""

import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import subsidy  # noqa: E402


def contracts_and_ids(case):
    sheets, is_1904 = subsidy.read_calamine(os.path.join(case, "applicants.xlsx"))
    policy = subsidy.load_policy(os.path.join(case, "policy.toml"))
    book = subsidy.Workbook(sheets, policy, is_1904)
    return [l["contract_no"] for p in book.projects for l in p["loans"]], [p["ids"] for p in book.projects], policy


def day(policy, rng, spread=120):
    span = (policy["end"] - policy["start"]).days
    return policy["start"] + dt.timedelta(days=rng.randint(-spread, span + spread))


def periods(policy, rng):
    """A contract's statement periods: consecutive, now and then one that overlaps."""
    at, out = day(policy, rng), []
    for _ in range(rng.randint(1, 4)):
        end = at + dt.timedelta(days=rng.randint(0, 120))
        out.append((at, end))
        at = end + dt.timedelta(days=1 if rng.random() > 0.05 else -10)
    return out


def write_statements(folder, policy, contracts, rng):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "结息"
    ws.append(["贷款合同编号", "计息起日", "计息止日", "实收利息", "罚息"])
    csv_rows = ["合同编号,起息日,结息日,正常利息（元）"]
    for c in contracts + ["UNKNOWN-1"]:
        if rng.random() < 0.3:
            continue
        for a, b in periods(policy, rng):
            paid = f"{rng.randint(0, 3_000_000) / 100:.2f}"
            if rng.random() < 0.5:
                ws.append([c, a, b, float(paid), rng.choice([None, 0, 12.5])])
            else:
                csv_rows.append(f"{c},{a},{b},{paid}")
    wb.save(os.path.join(folder, "statements1.xlsx"))
    with open(os.path.join(folder, "statements2.csv"), "w", encoding="utf-8") as f:
        f.write("\n".join(csv_rows) + "\n")


def write_cuts(folder, contracts, rng):
    lines = ["contract_no,excluded,amount,reason,text"]
    for c in rng.sample(contracts, k=min(len(contracts), rng.randint(0, 6))):
        kind = rng.random()
        if kind < 0.3:
            lines.append(f"{c},是,,材料不全,")
        elif kind < 0.9:
            lines.append(f"{c},,{rng.randint(0, 2_000_000) / 100:.2f},其他,复核")
        else:
            lines.append(f"{c},,12,太贵,")
    with open(os.path.join(folder, "cuts.csv"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def write_history(folder, policy, contracts, ids, rng):
    year = policy["year"]
    applicants = {}
    for leader, code in ids:
        for identity in filter(None, (leader, code)):
            if rng.random() < 0.4:
                applicants[identity] = [{"year": rng.choice([year - 3, year - 2, year - 1, year]),
                                         "project": f"P{rng.randint(1, 4)}",
                                         "granted": f"{rng.randint(0, 5_000_000) / 100:.2f}"}
                                        for _ in range(rng.randint(1, 3))]
    days = {}
    for c in contracts:
        if rng.random() < 0.3:
            a = day(policy, rng)
            days[c] = [{"year": rng.choice([year - 1, year, year + 1]), "project": "Q", "start": str(a),
                        "end": str(a + dt.timedelta(days=rng.randint(1, 300)))}]
    with open(os.path.join(folder, "history.json"), "w", encoding="utf-8") as f:
        json.dump({"applicants": applicants, "contracts": days}, f, ensure_ascii=False)


def with_limits(policy_text, rng):
    limits = f"max_rounds_per_applicant = {rng.randint(1, 3)}\n" \
             f"max_subsidy_per_applicant_total = {rng.randint(1, 200) * 500}\n"
    if "[limits]" in policy_text:
        return policy_text.replace("[limits]\n", "[limits]\n" + limits, 1)
    return policy_text.replace("\n[", "\n[limits]\n" + limits + "\n[", 1)


def main():
    args = sys.argv[1:]
    tiexi = None
    if "--tiexi" in args:
        at = args.index("--tiexi")
        tiexi = args[at + 1]
        del args[at:at + 2]
    seeds = 5
    if "--seeds" in args:
        at = args.index("--seeds")
        seeds = int(args[at + 1])
        del args[at:at + 2]
    failed = False
    for case in args:
        contracts, ids, policy = contracts_and_ids(case)
        for seed in range(seeds):
            rng = random.Random(f"{case}-{seed}")
            folder = tempfile.mkdtemp(prefix="peer-facts-")
            shutil.copy(os.path.join(case, "applicants.xlsx"), folder)
            with open(os.path.join(case, "policy.toml"), encoding="utf-8") as f:
                text = f.read()
            with open(os.path.join(folder, "policy.toml"), "w", encoding="utf-8") as f:
                f.write(with_limits(text, rng) if rng.random() < 0.7 else text)
            write_statements(folder, policy, contracts, rng)
            write_cuts(folder, contracts, rng)
            write_history(folder, policy, contracts, ids, rng)
            command = [sys.executable, os.path.join(HERE, "check.py"), "--case", folder]
            if tiexi:
                command[2:2] = ["--tiexi", tiexi]
            out = subprocess.run(command, capture_output=True, text=True, check=False)
            print(f"{case} seed {seed}: {out.stdout.strip()}")
            if out.returncode != 0:
                failed = True
                print(out.stderr[-2000:])
            else:
                shutil.rmtree(folder)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

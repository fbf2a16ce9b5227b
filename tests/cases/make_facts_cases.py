"""Write the inputs of the golden cases facts000, facts001 and facts002 (docs/rules.md §9).

    python3 tests/cases/make_facts_cases.py      # needs openpyxl (benches/peers/requirements.txt)

Each case folder gets policy.toml, applicants.xlsx and the facts it needs (statements*,
cuts.csv, history.json). expected.json and README.md in each folder are written by hand:
the README works every figure out, and the test compares tiexi calc's JSON with it.
"""

import datetime
import json
import os

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))

HEADER = ["序号", "项目编号", "团场", "项目名称", "主体类型", "主体名称", "统一社会信用代码", "负责人", "身份证号",
          "是否工会会员", "带动职工户数", "户均增收（元）", "贷款银行", "贷款合同编号", "贷款金额（元）", "年利率（%）",
          "放款日期", "到期日期", "已付利息（元）"]


def d(s):
    return datetime.date.fromisoformat(s)


def cell_date(s):
    """A date cell, or the text as typed when it is no date (an error the reader must find)."""
    try:
        return d(s)
    except ValueError:
        return s


def id_number(first17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


CREDIT = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(first17):
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    s = sum(CREDIT.index(c) * w for c, w in zip(first17, weights))
    return first17 + CREDIT[(31 - s % 31) % 31]


ID_A = id_number("65010219800101123")
ID_B = id_number("65010219850505432")
ID_C = id_number("65010219900909876")
ID_D = id_number("65010219751111246")
CODE_A = credit_code("93650000MA7ABCDE1")
CODE_C = credit_code("91650000MA7XYAW12")


def project(key, unit, name, kind, org, code, leader, ident, households, income, loans):
    """One row per loan: (bank, contract, principal, rate, from, to, interest paid)."""
    return [[None, key, unit, name, kind, org, code, leader, ident, "是", households, income,
             bank, contract, principal, rate, d(start), d(end), paid]
            for bank, contract, principal, rate, start, end, paid in loans]


def applicants(path, title, projects, events=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报汇总表"
    ws.append([title])
    ws.append(HEADER)
    n = 0
    for rows in projects:
        for r in rows:
            n += 1
            ws.append([n] + r[1:])
    ev = wb.create_sheet("还款及变更")
    ev.append(["贷款合同编号", "日期", "事项", "金额", "年利率", "展期至"])
    for contract, on, kind, amount in events:
        ev.append([contract, d(on), kind, amount, None, None])
    wb.save(path)


def statements(path, sheets):
    """sheets: (name, rows of (contract, from, to, paid, penalty, bank)); a 说明 sheet first."""
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["本清单由经办银行出具，罚息及复利不在贴息范围内"])
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        ws.append([f"{name}（正常利息）"])
        ws.append(["序号", "借款合同号", "起息日", "结息日", "正常利息（元）", "罚息及复利", "经办银行"])
        for i, (contract, start, end, paid, penalty, bank) in enumerate(rows, 1):
            ws.append([i, contract, cell_date(start), cell_date(end), paid, penalty, bank])
    wb.save(path)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


POLICY = """year = 2024
name = "2024年度职工自主创业示范项目贷款贴息"
require_union_member = true
{extra}
[rate]
mode = "cap"
cap_percent = 5
share_percent = 100

[term]
max_months = 36
{limits}
[allocation]
method = "pro_rata"

[[pools]]
name = "兵团项目资金"
kind = "funded"
amount = 700000

[[pools]]
name = "师市总工会自筹"
kind = "matched"
amount = 700000
"""


def facts000(folder):
    """Certified interest (two statement files) and review cuts."""
    os.makedirs(folder, exist_ok=True)
    write(os.path.join(folder, "policy.toml"), POLICY.format(extra="", limits=""))
    applicants(os.path.join(folder, "applicants.xlsx"), "2024年度职工自主创业示范项目贷款贴息申报汇总表", [
        project("XX-2024-001", "红星二场", "红星二场肉羊养殖合作社扩建项目", "合作社", "红星二场肉羊养殖专业合作社",
                CODE_A, "王建国", ID_A, 35, 5200, [
                    ("农商行", "A1", 360000, 5, "2023-06-01", "2026-06-01", None),
                    ("农商行", "A2", 720000, 6, "2024-03-01", "2027-03-01", 13000),
                    ("农商行", "A3", 100000, 4.35, "2024-01-01", "2025-01-01", None),
                ]),
        project("XX-2024-002", "红星一场", "红星一场农机服务项目", "个体工商户", "红星一场李氏农机服务部",
                None, "李强", ID_B, 8, None, [
                    ("邮储银行", "B1", 300000, 4, "2024-03-10", "2025-03-10", 8000),
                    ("邮储银行", "B2", 200000, 4.35, "2023-01-01", "2026-01-01", None),
                ]),
    ], events=[("B1", "2024-09-10", "还款", 100000)])
    statements(os.path.join(folder, "statements.xlsx"), [
        ("2024年结息", [
            ("A1", "2024-01-01", "2024-03-31", 4550, 0, "农商行"),
            ("A1", "2024-04-01", "2024-06-30", 4550, 12.5, "农商行"),
            ("A1", "2024-07-01", "2024-09-30", 4600, None, "农商行"),
            ("A2", "2024-03-01", "2024-06-20", 12992, None, "农商行"),
        ]),
    ])
    write(os.path.join(folder, "statements2.csv"),
          "合同编号,计息起日,计息止日,实收利息,罚息\nB2,2024-01-01,2024-12-31,\"8,723.84\",35.00\n")
    write(os.path.join(folder, "cuts.csv"),
          "contract_no,excluded,amount,reason,text\n"
          "A3,是,,材料不全,\n"
          "B1,,8000.00,贷款用途不符,部分用于购置自用车辆\n"
          "B2,,9999.00,其他,复核后核定\n")


def facts001(folder):
    """Earlier rounds: days already subsidised, the round limit, the applicant total."""
    os.makedirs(folder, exist_ok=True)
    write(os.path.join(folder, "policy.toml"), POLICY.format(
        extra="", limits="\n[limits]\nmax_rounds_per_applicant = 2\nmax_subsidy_per_applicant_total = 50000\n"))
    applicants(os.path.join(folder, "applicants.xlsx"), "2024年度职工自主创业示范项目贷款贴息申报汇总表", [
        project("XX-2024-011", "红星二场", "红星二场奶牛养殖项目", "合作社", "红星二场奶牛养殖专业合作社",
                CODE_A, "张新", ID_D, 20, None, [("农商行", "C1", 360000, 5, "2023-06-01", "2026-06-01", None)]),
        project("XX-2024-012", "红星一场", "红星一场电商项目", "个人", None,
                None, "李强", ID_B, 5, None, [("邮储银行", "C2", 360000, 5, "2023-07-01", "2026-07-01", None)]),
        project("XX-2024-013", "红星三场", "红星三场物流项目", "小微企业", "红星三场顺达物流有限公司",
                CODE_C, "陈明", ID_C, 12, None, [
                    ("农业银行", "C3", 360000, 5, "2023-07-01", "2026-07-01", None),
                    ("农业银行", "C4", 360000, 5, "2023-06-01", "2026-06-01", None),
                ]),
    ])
    history = {
        "through": 2023,
        "applicants": {
            CODE_A: [{"year": 2022, "project": "XX-2022-005", "name": "红星二场奶牛养殖项目", "granted": "20000.00"},
                     {"year": 2023, "project": "XX-2023-007", "granted": "25000.00", "paid": "25000.00"}],
            ID_B: [{"year": 2023, "project": "XX-2023-010", "granted": "45000.00"}],
            ID_C: [{"year": 2024, "project": "XX-2024-099", "granted": "49000.00"}],
        },
        "contracts": {
            "C2": [{"year": 2023, "project": "XX-2023-010", "start": "2023-07-01", "end": "2024-07-01"}],
            "C3": [{"year": 2023, "project": "XX-2023-020", "start": "2023-07-01", "end": "2024-07-01"},
                   {"year": 2025, "project": "XX-2025-003", "start": "2024-07-01", "end": "2025-07-01"}],
            "C4": [{"year": 2024, "project": "XX-2024-013", "start": "2024-01-01", "end": "2025-01-01"}],
        },
    }
    write(os.path.join(folder, "history.json"), json.dumps(history, ensure_ascii=False, indent=2) + "\n")


def facts002(folder):
    """Statement and cut errors: at their sheet and row, their projects left out, exit 1."""
    os.makedirs(folder, exist_ok=True)
    write(os.path.join(folder, "policy.toml"), POLICY.format(extra="", limits=""))
    loan = lambda c: ("农商行", c, 360000, 5, "2023-06-01", "2026-06-01", None)  # noqa: E731
    applicants(os.path.join(folder, "applicants.xlsx"), "2024年度职工自主创业示范项目贷款贴息申报汇总表", [
        project("XX-2024-021", "红星一场", "项目一", "个人", None, None, "甲", ID_A, 1, None, [loan("D1")]),
        project("XX-2024-022", "红星一场", "项目二", "个人", None, None, "乙", ID_B, 1, None, [loan("D2")]),
        project("XX-2024-023", "红星一场", "项目三", "个人", None, None, "丙", ID_C, 1, None, [loan("D3")]),
        project("XX-2024-024", "红星一场", "项目四", "个人", None, None, "丁", ID_D, 1, None, [loan("D4")]),
    ])
    statements(os.path.join(folder, "statements.xlsx"), [
        ("结息", [
            ("D1", "2024-01-01", "2024-06-30", 9100, None, "农商行"),
            ("D1", "2024-06-01", "2024-12-31", 10700, None, "农商行"),
            ("X9", "2024-01-01", "2024-12-31", 100, None, "农商行"),
            ("D2", "2024-02-30", "2024-12-31", 100, None, "农商行"),
            ("D3", "2024-01-01", "2024-12-31", 18000, None, "农商行"),
        ]),
    ])
    write(os.path.join(folder, "cuts.csv"),
          "contract_no,excluded,amount,reason,text\nD3,,17000,逾期未还,\nD4,,100,太贵,\n")


if __name__ == "__main__":
    facts000(os.path.join(HERE, "facts000"))
    facts001(os.path.join(HERE, "facts001"))
    facts002(os.path.join(HERE, "facts002"))

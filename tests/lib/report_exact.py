#!/usr/bin/env python3
"""Exact check of cchc-report against figures computed here, independently of the SQL.

    report_exact.py generate DIR SEED   writes DIR/data.json and DIR/data.sql: a few hundred
                                        units under the seeded tree and random submissions
                                        over 2026 (months, quarters, half-years, a year;
                                        corrections, late reports, zero denominators,
                                        hand-made edge cases)
    report_exact.py check DIR REPORT DSN  runs REPORT (cchc-report) with --db DSN for
                                        summary, targets and completeness over several
                                        periods in every format, parses each output back
                                        (CSV, JSON, XLSX with openpyxl, and the table by
                                        display columns) and compares every cell with the
                                        figures computed here from DIR/data.json and the
                                        seeded catalogue (read with psql as the owner).

The rules implemented here are the ones sql/005_reporting.sql documents (a unit's figure
for a period is its own report for exactly that period, else the sum of its figures one
level down; the newest report wins, or the first received with --as first; sums over the
unit tree; rates as ratios of sums; targets per unit of their scope; completeness per
exact period with deadlines in Asia/Ho_Chi_Minh), written again from the description,
not from the SQL. Exit status 0 when every cell matches; each difference is printed.
"""
import csv
import io
import json
import os
import random
import subprocess
import sys
import unicodedata
import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

VN = timezone(timedelta(hours=7))
YEAR = 2026
DEADLINE_DAYS = {1: 10, 2: 15, 3: 20, 4: 30}  # report_deadline as seeded by 005
INDICATORS_DEFAULT = None  # filled from the catalogue

# ---------------------------------------------------------------------------
# periods
# ---------------------------------------------------------------------------

def months_of(kind, idx):
    span = {1: 1, 2: 3, 3: 6, 4: 12}[kind]
    first = (idx - 1) * span + 1
    return list(range(first, first + span))


def first_day(kind, idx):
    return date(YEAR, months_of(kind, idx)[0], 1)


def last_day(kind, idx):
    m = months_of(kind, idx)[-1]
    return (date(YEAR + 1, 1, 1) if m == 12 else date(YEAR, m + 1, 1)) - timedelta(days=1)


def children(kind, idx):
    """The periods one level down: quarter -> 3 months, half -> 2 quarters, year -> 2 halves."""
    if kind == 2:
        return [(1, m) for m in months_of(2, idx)]
    if kind == 3:
        return [(2, 2 * idx - 1), (2, 2 * idx)]
    if kind == 4:
        return [(3, 1), (3, 2)]
    return []


def period_text(kind, idx):
    return {1: f"{YEAR}-{idx:02d}", 2: f"{YEAR}-Q{idx}", 3: f"{YEAR}-H{idx}", 4: f"{YEAR}"}[kind]


def deadline(kind, idx):
    return last_day(kind, idx) + timedelta(days=DEADLINE_DAYS[kind])


def late_from(kind, idx):
    d = deadline(kind, idx) + timedelta(days=1)
    return datetime(d.year, d.month, d.day, tzinfo=VN)


# ---------------------------------------------------------------------------
# generate
# ---------------------------------------------------------------------------

WORDS_VI = ["Phòng", "Trung tâm", "Bộ phận", "Ban", "Văn phòng", "Đội", "Tổ", "Chi cục", "Hạt"]
PLACES_VI = ["Mường Tè", "Sìn Hồ", "Phong Thổ", "Tam Đường", "Than Uyên", "Tân Uyên", "Nậm Nhùn",
             "Bình Lư", "Dào San", "Mù Cả", "Pa Ủ", "Thu Lũm", "Ka Lăng", "Hua Bum", "Nậm Hàng"]
ROLES_VI = ["Một cửa", "Tiếp nhận hồ sơ", "Số hóa", "Kiểm soát thủ tục", "Hành chính", "Tổng hợp",
            "Quản lý cửa khẩu", "Tin học", "Pháp chế"]


def generate(out_dir, seed):
    rnd = random.Random(seed)
    units = []  # new units only; the seeded ten are read from the database at check time

    def unit(code, parent, name_vi, name_en, kind, reports, valid_from=None, valid_to=None):
        units.append(dict(code=code, parent=parent, name_vi=name_vi, name_en=name_en, kind=kind,
                          reports=reports, valid_from=valid_from, valid_to=valid_to))

    def name():
        return f"{rnd.choice(WORDS_VI)} {rnd.choice(ROLES_VI)} {rnd.choice(PLACES_VI)}"

    # agencies under the province, under VPUB and BQLKKT (so the plans' targets apply), each
    # with departments, some of which report and have centres below them
    parents = [("LC", "T"), ("VPUB", "VP"), ("BQLKKT", "BQ"), ("SNV", "NV")]
    n = 0
    for parent, prefix in parents:
        for a in range(1, 5):
            acode = f"{prefix}{a:02d}"
            unit(acode, parent, f"{name()} số {a}", f"Agency {acode}", "agency", rnd.random() < 0.3)
            for d in range(1, rnd.randint(4, 9)):
                dcode = f"{acode}-D{d:02d}"
                unit(dcode, acode, name(), f"Department {dcode}", "department", True)
                n += 1
                for c in range(1, rnd.randint(1, 6)):
                    ccode = f"{dcode}-C{c:02d}"
                    unit(ccode, dcode, name(), f"Centre {ccode}", "centre", rnd.random() < 0.9)
                    n += 1
    # names that need quoting in CSV, and one written with combining marks (decomposed)
    unit("T01-Q", "T01", 'Tổ "Một cửa", xã Bình Lư', 'Team "One stop", Binh Lu', "centre", True)
    unit("T01-Q2", "T01", "Xa\u0303 Mu\u0300ng Te\u0302\u0301 (to\u0301 hơ\u0323p)", "Decomposed name",
         "centre", True)
    # a sibling whose code sorts right after T02's subtree ('-' before letters, arrays by element)
    unit("T02-X", "LC", "Ban T02-X", "Board T02-X", "agency", False)
    unit("T02-X-1", "T02-X", "Phòng T02-X-1", "Office T02-X-1", "department", True)
    # edge cases, named
    unit("VP-EXACT", "VPUB", "Điểm đúng ngưỡng", "Exactly at the threshold", "centre", True)
    unit("BQ-RATIO", "BQLKKT", "Tỷ lệ của tổng", "Ratio of sums", "agency", False)
    unit("BQ-RATIO-A", "BQ-RATIO", "Đơn vị nhỏ", "Small unit", "department", True)
    unit("BQ-RATIO-B", "BQ-RATIO", "Đơn vị lớn", "Large unit", "department", True)
    unit("BQ-ZERO", "BQLKKT", "Mẫu số bằng 0", "Zero denominators", "centre", True)
    unit("VP-YEAR", "VPUB", "Chỉ báo cáo năm", "Yearly report only", "centre", True)
    unit("VP-NONE", "VPUB", "Chưa từng báo cáo", "Never reported", "centre", True)
    unit("T-OLD", "LC", "Đơn vị đã giải thể", "Dissolved unit", "department", True,
         valid_to="2026-03-31", valid_from="2010-01-01")
    unit("T-NEW", "LC", "Đơn vị mới thành lập", "New unit", "department", True,
         valid_from="2026-08-01")
    unit("VP-ORDER", "VPUB", "Thứ tự nhận khác thứ tự số liệu", "Received out of order", "centre", True)

    subs = []
    next_id = [1000]

    def submit(unit_code, kind, idx, received, observed, values, final, note=""):
        next_id[0] += 1
        subs.append(dict(id=next_id[0], spool_id=str(uuid.UUID(int=rnd.getrandbits(128))),
                         seq=len(subs) + 1, agent=f"agent-{unit_code.lower()}", unit=unit_code,
                         kind=kind, idx=idx, observed_at=observed.isoformat(),
                         received_at=received.isoformat(), is_final=final, note=note,
                         values=values))

    inds = INDICATOR_CODES
    wholes = {"dossier_received_online": "dossier_received", "dossier_digitized": "dossier_received",
              "dossier_data_reused": "dossier_received", "dossier_resolved_on_time": "dossier_resolved",
              "dossier_overdue": "dossier_resolved", "dossier_result_electronic": "dossier_resolved",
              "document_signed": "document_issued", "procedure_full_online": "procedure_total",
              "satisfaction_satisfied": "satisfaction_votes",
              "border_fee_electronic_vnd": "border_fee_collected_vnd"}

    def values():
        chosen = rnd.sample(inds, rnd.randint(1, len(inds)))
        v = {}
        for code in chosen:
            big = 10 ** rnd.choice([1, 2, 3, 4, 9 if code.endswith("_vnd") else 4])
            v[code] = rnd.randint(0, big)
        for part, whole in wholes.items():
            if part in v and whole in v and v[part] > v[whole]:
                v[part] = rnd.randint(0, v[whole])
        return v

    def reports_for(unit_code, kind, idx):
        """1..3 submissions for one period: a first report and corrections."""
        end = datetime(*last_day(kind, idx).timetuple()[:3], 17, 0, tzinfo=VN)
        t = end + timedelta(hours=rnd.randint(1, 24 * (DEADLINE_DAYS[kind] + 12)))
        base = values()
        for k in range(rnd.choice([1, 1, 2, 3])):
            if k > 0:  # a correction: some figures changed, some left out (not erased)
                base = {c: (rnd.randint(0, 10 ** 4) if rnd.random() < 0.5 else v)
                        for c, v in base.items() if rnd.random() < 0.8} or values()
                for part, whole in wholes.items():
                    if part in base and whole in base and base[part] > base[whole]:
                        base[part] = base[whole]
                t += timedelta(hours=rnd.randint(1, 200), seconds=rnd.randint(0, 59))
            received = t + (timedelta(microseconds=rnd.randint(1, 999) * 1000) if rnd.random() < 0.1 else timedelta())
            observed = received - timedelta(minutes=rnd.randint(0, 3000))
            note = rnd.choice(["", "", "điều chỉnh số liệu", "sửa, theo \"biên bản\" số 3", "  "])
            submit(unit_code, kind, idx, received, observed, dict(base), rnd.random() < 0.6, note)

    plain = [u["code"] for u in units if u["reports"] and not u["code"].startswith(("VP-", "BQ-", "T-"))]
    for code in plain:
        style = rnd.choice(["quarters", "quarters", "months", "mixed", "halves", "year", "none"])
        if style == "quarters":
            for q in range(1, 5):
                if rnd.random() < 0.8:
                    reports_for(code, 2, q)
        elif style == "months":
            for m in range(1, 13):
                if rnd.random() < 0.7:
                    reports_for(code, 1, m)
        elif style == "mixed":
            for m in range(1, 13):
                if rnd.random() < 0.4:
                    reports_for(code, 1, m)
            for q in range(1, 5):
                if rnd.random() < 0.4:
                    reports_for(code, 2, q)
            if rnd.random() < 0.3:
                reports_for(code, 3, 1)
        elif style == "halves":
            reports_for(code, 3, 1)
            if rnd.random() < 0.5:
                reports_for(code, 3, 2)
        elif style == "year":
            reports_for(code, 4, 1)

    def at(text):
        return datetime.fromisoformat(text)

    # exactly at the thresholds: online 80/100 (>= 80: met), digitized 90/100 (> 90: not met)
    submit("VP-EXACT", 2, 3, at("2026-10-03T09:00:00+07:00"), at("2026-10-03T08:00:00+07:00"),
           {"dossier_received": 100, "dossier_received_online": 80, "dossier_digitized": 90}, True)
    # ratio of sums 1/101 (0.99 %) where the average of the two rates would be 50 %
    submit("BQ-RATIO-A", 2, 3, at("2026-10-02T09:00:00+07:00"), at("2026-10-02T08:00:00+07:00"),
           {"dossier_received": 1, "dossier_received_online": 1}, True)
    submit("BQ-RATIO-B", 2, 3, at("2026-10-02T10:00:00+07:00"), at("2026-10-02T08:00:00+07:00"),
           {"dossier_received": 100, "dossier_received_online": 0}, True)
    # zero denominators: rates without a value, targets without data
    submit("BQ-ZERO", 2, 3, at("2026-10-04T09:00:00+07:00"), at("2026-10-04T08:00:00+07:00"),
           {"dossier_received": 0, "dossier_received_online": 0, "dossier_digitized": 0,
            "document_issued": 0, "document_signed": 0}, False)
    # only a yearly figure
    submit("VP-YEAR", 4, 1, at("2027-01-20T09:00:00+07:00"), at("2027-01-19T08:00:00+07:00"),
           {"dossier_received": 4000, "dossier_received_online": 3900, "satisfaction_votes": 10,
            "satisfaction_satisfied": 10}, True)
    # dissolved at the end of March: its Q1 counts (for Q1, H1, the year), its Q3 report does not
    submit("T-OLD", 2, 1, at("2026-04-05T09:00:00+07:00"), at("2026-04-05T08:00:00+07:00"),
           {"dossier_received": 77, "dossier_resolved": 70}, True)
    submit("T-OLD", 2, 3, at("2026-10-05T09:00:00+07:00"), at("2026-10-05T08:00:00+07:00"),
           {"dossier_received": 5555}, True)
    # founded on 1 August: its July report does not count, August and September do
    submit("T-NEW", 1, 7, at("2026-08-02T09:00:00+07:00"), at("2026-08-02T08:00:00+07:00"),
           {"dossier_received": 9999}, True)
    submit("T-NEW", 1, 8, at("2026-09-02T09:00:00+07:00"), at("2026-09-02T08:00:00+07:00"),
           {"dossier_received": 31, "dossier_resolved": 30}, True)
    submit("T-NEW", 1, 9, at("2026-10-02T09:00:00+07:00"), at("2026-10-02T08:00:00+07:00"),
           {"dossier_received": 29}, False)
    # newest observation wins, not newest arrival; 'first' = first received; late corrections
    submit("VP-ORDER", 2, 3, at("2026-10-07T09:00:00+07:00"), at("2026-10-04T09:00:00+07:00"),
           {"dossier_received": 500, "dossier_received_online": 450}, True)
    submit("VP-ORDER", 2, 3, at("2026-10-06T09:00:00+07:00"), at("2026-10-01T09:00:00+07:00"),
           {"dossier_received": 400, "dossier_received_online": 300}, False, "bản đầu")
    submit("VP-ORDER", 2, 3, at("2026-10-20T09:00:00+07:00"), at("2026-10-04T09:00:00+07:00"),
           {"dossier_received_online": 460}, True, "")

    with open(os.path.join(out_dir, "data.json"), "w", encoding="utf-8") as f:
        json.dump({"units": units, "submissions": subs}, f, ensure_ascii=False)

    def lit(v):
        if v is None:
            return "NULL"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        return "'" + str(v).replace("'", "''") + "'"

    with open(os.path.join(out_dir, "data.sql"), "w", encoding="utf-8") as f:
        f.write("BEGIN;\n")
        for u in units:  # parents come first in the list
            f.write("INSERT INTO unit (code, parent_code, name_vi, name_en, kind, reports, valid_from, valid_to) "
                    f"VALUES ({lit(u['code'])}, {lit(u['parent'])}, {lit(u['name_vi'])}, {lit(u['name_en'])}, "
                    f"{lit(u['kind'])}, {lit(u['reports'])}, {lit(u['valid_from'] or '2000-01-01')}, "
                    f"{lit(u['valid_to'])});\n")
        for s in subs:
            f.write("INSERT INTO submission (id, spool_id, seq, agent, unit_code, period_kind, period_year, "
                    "period_index, observed_at, received_at, is_final, note) OVERRIDING SYSTEM VALUE VALUES "
                    f"({s['id']}, {lit(s['spool_id'])}, {s['seq']}, {lit(s['agent'])}, {lit(s['unit'])}, "
                    f"{s['kind']}, {YEAR}, {s['idx']}, {lit(s['observed_at'])}, {lit(s['received_at'])}, "
                    f"{lit(s['is_final'])}, {lit(s['note'])});\n")
            for code, v in s["values"].items():
                f.write(f"INSERT INTO submission_value VALUES ({s['id']}, {lit(code)}, {v});\n")
        f.write("COMMIT;\n")
    print(f"generated {len(units)} units, {len(subs)} submissions, "
          f"{sum(len(s['values']) for s in subs)} figures (seed {seed})")


# ---------------------------------------------------------------------------
# the expected reports, computed from data.json and the catalogue
# ---------------------------------------------------------------------------

class Model:
    def __init__(self, data, catalogue):
        self.units = {}
        for u in catalogue["units"] + data["units"]:
            self.units[u["code"]] = dict(
                code=u["code"], parent=u.get("parent", u.get("parent_code")), name_vi=u["name_vi"],
                name_en=u["name_en"], reports=u["reports"],
                valid_from=date.fromisoformat(u.get("valid_from") or "2000-01-01"),
                valid_to=date.fromisoformat(u["valid_to"]) if u.get("valid_to") else None)
        self.children = {c: [] for c in self.units}
        for u in self.units.values():
            if u["parent"]:
                self.children[u["parent"]].append(u["code"])
        for c in self.children.values():
            c.sort()
        self.indicators = sorted(catalogue["indicators"], key=lambda i: (i["sort_order"], i["code"]))
        self.rates = sorted(catalogue["rates"], key=lambda r: (r["sort_order"], r["code"]))
        self.targets = catalogue["targets"]
        self.subs = data["submissions"]
        self.cache = {}
        for s in self.subs:
            s["observed"] = datetime.fromisoformat(s["observed_at"])
            s["received"] = datetime.fromisoformat(s["received_at"])

    def valid(self, code, d1, d2):
        u = self.units[code]
        return u["valid_from"] <= d2 and (u["valid_to"] is None or u["valid_to"] >= d1)

    def live(self, code, kind, idx):
        return self.valid(code, first_day(kind, idx), last_day(kind, idx))

    def tree(self, root=None, depth=None):
        """(code, depth) in tree order: siblings by code, parents before children."""
        out = []

        def walk(code, d):
            out.append((code, d))
            if depth is None or d < depth:
                for c in self.children[code]:
                    walk(c, d + 1)
        roots = [root] if root else sorted(c for c, u in self.units.items() if not u["parent"])
        for r in roots:
            walk(r, 0)
        return out

    def subtree(self, code):
        return [c for c, _ in self.tree(code)]

    def direct(self, version):
        """(unit, kind, idx, indicator) -> value of the report that counts."""
        best = {}
        for s in self.subs:
            if not self.valid(s["unit"], first_day(s["kind"], s["idx"]), last_day(s["kind"], s["idx"])):
                continue
            if version == "revised":
                key_order = (s["observed"], s["received"], s["id"])  # the largest wins
            else:
                key_order = (-s["received"].timestamp(), -s["id"])    # the earliest received wins
            for code, v in s["values"].items():
                k = (s["unit"], s["kind"], s["idx"], code)
                if k not in best or key_order > best[k][0]:
                    best[k] = (key_order, v)
        return {k: v for k, (_, v) in best.items()}

    def own(self, direct, unit, kind, idx, ind):
        """A unit's own figure: (value, mask) or None. mask: bit 1 << kind of each kind summed."""
        if (unit, kind, idx, ind) in direct:
            return direct[(unit, kind, idx, ind)], 1 << kind
        total, mask, any_ = 0, 0, False
        for k, i in children(kind, idx):
            r = self.own(direct, unit, k, i, ind)
            if r is not None:
                total += r[0]
                mask |= r[1]
                any_ = True
        return (total, mask) if any_ else None

    def figures(self, kind, idx, version):
        """(unit, indicator) -> (value, reporting_units, source) for live units."""
        key = (kind, idx, version)
        if key not in self.cache:
            self.cache[key] = self._figures(kind, idx, version)
        return self.cache[key]

    def _figures(self, kind, idx, version):
        direct = self.direct(version)
        owns = {}
        for u in self.units:
            for ind in self.indicators:
                r = self.own(direct, u, kind, idx, ind["code"])
                if r is not None:
                    owns[(u, ind["code"])] = r
        # each unit's own figure goes into itself and every ancestor
        acc = {}
        for (d, ind), (v, mask) in owns.items():
            a = d
            while a is not None:
                t = acc.setdefault((a, ind), [0, 0, 0])
                t[0] += v
                t[1] += 1
                t[2] |= mask
                a = self.units[a]["parent"]
        out = {}
        for (a, ind), (v, n, mask) in acc.items():
            if not self.live(a, kind, idx):
                continue
            source = ("direct" if mask == 1 << kind else "half-years" if mask == 8 else
                      "quarters" if mask == 4 else "months" if mask == 2 else "mixed")
            out[(a, ind)] = (v, n, source)
        return out

    def rates_of(self, figs):
        """(unit, rate) -> (numerator, denominator, pct as Fraction or None)."""
        out = {}
        units = {u for u, _ in figs}
        for u in units:
            for r in self.rates:
                num = figs.get((u, r["numerator"]))
                den = figs.get((u, r["denominator"]))
                if num is None and den is None:
                    continue
                n = num[0] if num else None
                d = den[0] if den else None
                pct = Fraction(n * 100, d) if n is not None and d is not None and d != 0 else None
                out[(u, r["code"])] = (n, d, pct)
        return out

    def target_rows(self, kind, idx, rates):
        """Every (target, unit) that applies, with the rate and the verdict."""
        rows = []
        for t in self.targets:
            if not (t["year_from"] <= YEAR <= t["year_to"]):
                continue
            for u in self.subtree(t["scope_unit"]):
                if not self.live(u, kind, idx):
                    continue
                n, d, pct = rates.get((u, t["rate_code"]), (None, None, None))
                thr = Fraction(Decimal(str(t["threshold_pct"])))
                if pct is None:
                    status, gap = "no_data", None
                else:
                    ok = pct >= thr if t["comparison"] == ">=" else pct > thr
                    status, gap = ("met" if ok else "not_met"), pct - thr
                rows.append(dict(unit=u, rate=t["rate_code"], target_id=t["id"], comparison=t["comparison"],
                                 threshold=thr, pct=pct, status=status, gap=gap, plan=t["plan"],
                                 section=t["section"], text_vi=t["text_vi"], numerator=n, denominator=d))
        return rows


# column kinds of the expected rows (as report/query.c declares its columns)
TEXT, CODE, INT, PCT, DEC, ENUM, BOOL, TIME, DATE = "text code int pct dec enum bool time date".split()

LABELS = {
    "vi": {
        "status": {"met": "Đạt", "not_met": "Chưa đạt", "no_data": "Chưa có số liệu"},
        "comparison": {">=": "≥", ">": ">"},
        "source": {"direct": "báo cáo của kỳ", "half-years": "cộng các kỳ 6 tháng", "quarters": "cộng các quý",
                   "months": "cộng các tháng", "mixed": "kết hợp nhiều kỳ"},
        "cstatus": {"missing": "chưa báo cáo", "final": "đã báo cáo chính thức",
                    "provisional": "đã báo cáo, chưa chính thức", "not_expected": "không phải báo cáo"},
        "yes_no": {True: "có", False: "không"},
        "late": {True: "trễ hạn", False: "đúng hạn"},
    },
    "en": {
        "status": {"met": "met", "not_met": "not met", "no_data": "no data"},
        "comparison": {">=": "≥", ">": ">"},
        "source": {"direct": "reported for the period", "half-years": "sum of half-years",
                   "quarters": "sum of quarters", "months": "sum of months", "mixed": "mixed periods"},
        "cstatus": {"missing": "not reported", "final": "final report received",
                    "provisional": "reported, not final", "not_expected": "not expected to report"},
        "yes_no": {True: "yes", False: "no"},
        "late": {True: "late", False: "on time"},
    },
}

# key, vi header, en header, kind, labels, shown in the table, group level, blank-when-null
FIGURE_COLS = [
    ("unit_code", "Mã đơn vị", "Unit code", CODE, None, False, 1, False),
    ("unit_name", "Đơn vị", "Unit", TEXT, None, True, 1, False),
    ("depth", "Cấp", "Level", INT, None, False, 1, False),
    ("indicator_code", "Mã chỉ tiêu", "Indicator code", CODE, None, False, 0, False),
    ("indicator_name", "Chỉ tiêu", "Indicator", TEXT, None, True, 0, False),
    ("value", "Số liệu", "Value", INT, None, True, 0, False),
    ("reporting_units", "Số đơn vị báo cáo", "Units reporting", INT, None, True, 0, True),
    ("source", "Nguồn", "Source", ENUM, "source", True, 0, True),
]
RATE_COLS = [
    ("unit_code", "Mã đơn vị", "Unit code", CODE, None, False, 1, False),
    ("unit_name", "Đơn vị", "Unit", TEXT, None, True, 1, False),
    ("depth", "Cấp", "Level", INT, None, False, 1, False),
    ("rate_code", "Mã tỷ lệ", "Rate code", CODE, None, False, 2, False),
    ("rate_name", "Tỷ lệ", "Rate", TEXT, None, True, 2, False),
    ("numerator", "Tử số", "Numerator", INT, None, True, 2, False),
    ("denominator", "Mẫu số", "Denominator", INT, None, True, 2, False),
    ("pct", "Tỷ lệ (%)", "Rate (%)", PCT, None, True, 2, False),
    ("target_id", "Mã chỉ tiêu KH", "Target id", INT, None, False, 0, False),
    ("comparison", "So sánh", "Comparison", ENUM, "comparison", True, 0, True),
    ("threshold_pct", "Chỉ tiêu (%)", "Target (%)", PCT, None, True, 0, True),
    ("status", "Kết quả", "Status", ENUM, "status", True, 0, True),
    ("gap_pp", "Chênh lệch (điểm %)", "Gap (pp)", DEC, None, True, 0, True),
    ("section", "Mục KH", "Plan section", TEXT, None, True, 0, True),
]
TARGET_COLS = [
    ("unit_code", "Mã đơn vị", "Unit code", CODE, None, False, 1, False),
    ("unit_name", "Đơn vị", "Unit", TEXT, None, True, 1, False),
    ("depth", "Cấp", "Level", INT, None, False, 1, False),
    ("rate_code", "Mã tỷ lệ", "Rate code", CODE, None, False, 2, False),
    ("rate_name", "Tỷ lệ", "Rate", TEXT, None, True, 2, False),
    ("numerator", "Tử số", "Numerator", INT, None, True, 2, False),
    ("denominator", "Mẫu số", "Denominator", INT, None, True, 2, False),
    ("pct", "Tỷ lệ (%)", "Rate (%)", PCT, None, True, 2, False),
    ("comparison", "So sánh", "Comparison", ENUM, "comparison", True, 0, False),
    ("threshold_pct", "Chỉ tiêu (%)", "Target (%)", PCT, None, True, 0, False),
    ("status", "Kết quả", "Status", ENUM, "status", True, 0, False),
    ("gap_pp", "Chênh lệch (điểm %)", "Gap (pp)", DEC, None, True, 0, False),
    ("plan", "Kế hoạch", "Plan", TEXT, None, False, 0, False),
    ("section", "Mục KH", "Plan section", TEXT, None, True, 0, False),
    ("target_id", "Mã chỉ tiêu KH", "Target id", INT, None, False, 0, False),
    ("text_vi", "Nội dung chỉ tiêu", "Target as worded in the plan (Vietnamese)", TEXT, None, False, 0, False),
]
COMPLETENESS_COLS = [
    ("unit_code", "Mã đơn vị", "Unit code", CODE, None, True, 0, False),
    ("unit_name", "Đơn vị", "Unit", TEXT, None, True, 0, False),
    ("depth", "Cấp", "Level", INT, None, False, 0, False),
    ("status", "Tình trạng", "Status", ENUM, "cstatus", True, 0, False),
    ("expected", "Phải báo cáo", "Expected", BOOL, "yes_no", False, 0, False),
    ("reported", "Đã báo cáo", "Reported", BOOL, "yes_no", False, 0, False),
    ("is_final", "Chính thức", "Final", BOOL, "yes_no", False, 0, False),
    ("reports", "Số lần gửi", "Reports", INT, None, True, 0, False),
    ("first_received_at", "Nhận lần đầu", "First received", TIME, None, False, 0, False),
    ("last_received_at", "Nhận lần cuối", "Last received", TIME, None, True, 0, False),
    ("final_received_at", "Nhận bản chính thức", "Final received", TIME, None, True, 0, False),
    ("deadline", "Hạn báo cáo", "Deadline", DATE, None, True, 0, False),
    ("late", "Đúng/trễ hạn", "On time / late", BOOL, "late", True, 0, False),
]


def expected_summary(m, kind, idx, version, lang, root=None, depth=None):
    figs = m.figures(kind, idx, version)
    rates = m.rates_of(figs)
    targets = m.target_rows(kind, idx, rates)
    shown = [(u, d) for u, d in m.tree(root, depth) if m.live(u, kind, idx)]
    names = {u: m.units[u]["name_" + lang] for u in m.units}
    present = [i for i in m.indicators if any((u, i["code"]) in figs for u, _ in shown)]
    fig_rows = []
    for u, d in shown:
        for i in present:
            v = figs.get((u, i["code"]))
            fig_rows.append(dict(unit_code=u, unit_name=names[u], depth=d, indicator_code=i["code"],
                                 indicator_name=i["name_" + lang], value=v[0] if v else None,
                                 reporting_units=v[1] if v else None, source=v[2] if v else None))
    shown_codes = {u for u, _ in shown}
    by_unit_rate = {}
    for t in targets:
        by_unit_rate.setdefault((t["unit"], t["rate"]), []).append(t)
    present_rates = [r for r in m.rates
                     if any((u, r["code"]) in rates or (u, r["code"]) in by_unit_rate for u in shown_codes)]
    rate_rows = []
    for u, d in shown:
        for r in present_rates:
            n, den, pct = rates.get((u, r["code"]), (None, None, None))
            ts = sorted(by_unit_rate.get((u, r["code"]), []), key=lambda t: (t["section"], t["target_id"]))
            base = dict(unit_code=u, unit_name=names[u], depth=d, rate_code=r["code"],
                        rate_name=r["name_" + lang], numerator=n, denominator=den, pct=pct)
            if not ts:
                rate_rows.append(dict(base, target_id=None, comparison=None, threshold_pct=None,
                                      status=None, gap_pp=None, section=None))
            for t in ts:
                rate_rows.append(dict(base, target_id=t["target_id"], comparison=t["comparison"],
                                      threshold_pct=t["threshold"], status=t["status"], gap_pp=t["gap"],
                                      section=t["section"]))
    return figs, rates, fig_rows, rate_rows


def expected_targets(m, kind, idx, version, lang):
    figs = m.figures(kind, idx, version)
    rates = m.rates_of(figs)
    order = {u: (i, d) for i, (u, d) in enumerate(m.tree())}
    rate_order = {r["code"]: (r["sort_order"], r["code"]) for r in m.rates}
    rate_name = {r["code"]: r["name_" + lang] for r in m.rates}
    rows = []
    for t in sorted(m.target_rows(kind, idx, rates),
                    key=lambda t: (order[t["unit"]][0], rate_order[t["rate"]], t["section"], t["target_id"])):
        rows.append(dict(unit_code=t["unit"], unit_name=m.units[t["unit"]]["name_" + lang],
                         depth=order[t["unit"]][1], rate_code=t["rate"], rate_name=rate_name[t["rate"]],
                         numerator=t["numerator"], denominator=t["denominator"], pct=t["pct"],
                         comparison=t["comparison"], threshold_pct=t["threshold"], status=t["status"],
                         gap_pp=t["gap"], plan=t["plan"], section=t["section"], target_id=t["target_id"],
                         text_vi=t["text_vi"]))
    return rows


def expected_completeness(m, kind, idx, lang):
    rows = []
    for u, d in m.tree():
        unit = m.units[u]
        subs = [s for s in m.subs if s["unit"] == u and s["kind"] == kind and s["idx"] == idx]
        expected = unit["reports"] and m.live(u, kind, idx)
        if not expected and not subs:
            continue
        finals = [s["received"] for s in subs if s["is_final"]]
        first = min((s["received"] for s in subs), default=None)
        final_at = min(finals, default=None)
        late = None
        if subs:
            late = (final_at or first) >= late_from(kind, idx)
        status = ("final" if subs and finals else "provisional" if subs else
                  "missing" if expected else "not_expected")
        rows.append(dict(unit_code=u, unit_name=unit["name_" + lang], depth=d, status=status,
                         expected=expected, reported=bool(subs), is_final=bool(finals), reports=len(subs),
                         first_received_at=first, last_received_at=max((s["received"] for s in subs), default=None),
                         final_received_at=final_at, deadline=deadline(kind, idx), late=late))
    return rows


# ---------------------------------------------------------------------------
# rendering the expected cells per format
# ---------------------------------------------------------------------------

def round2(x):
    """Half away from zero to 2 places, as text with '.': PostgreSQL's round(x, 2)."""
    q = abs(Fraction(x)) * 100
    n = int(q + Fraction(1, 2))
    if n == 0:
        return "0.00"
    return ("-" if x < 0 else "") + f"{n // 100}.{n % 100:02d}"


def group(digits, sep):
    out = ""
    while len(digits) > 3:
        out = sep + digits[-3:] + out
        digits = digits[:-3]
    return digits + out


def display(col, v, lang, style):
    """The text a person sees: style 'csv' (plain) or 'table' (localized separators)."""
    key, _, _, kind, labels, _, _, _ = col
    if v is None:
        return ""
    table = style == "table"
    if kind == INT:
        s = str(v)
        if table:
            neg = s.startswith("-")
            s = ("-" if neg else "") + group(s.lstrip("-"), "." if lang == "vi" else ",")
        return s
    if kind in (PCT, DEC):
        s = round2(v)
        if key == "gap_pp" and s != "0.00" and not s.startswith("-"):
            s = "+" + s
        if table:
            sign = s[0] if s[0] in "+-" else ""
            ip, fp = s.lstrip("+-").split(".")
            point, sep = (",", ".") if lang == "vi" else (".", ",")
            s = sign + group(ip, sep) + point + fp
        return s
    if kind in (ENUM, BOOL):
        return LABELS[lang][labels][v]
    if kind == TIME:
        t = v.astimezone(VN)
        if table:
            return t.strftime("%Y-%m-%d %H:%M:%S") + " +07:00"
        frac = f".{t.microsecond:06d}".rstrip("0") if t.microsecond else ""
        return t.strftime("%Y-%m-%dT%H:%M:%S") + frac + "+07:00"
    if kind == DATE:
        return v.isoformat()
    return str(v)


def width(s):
    """Display columns of s: combining and format characters 0, East Asian wide 2, else 1."""
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf", "Cc"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def split_columns(line, spans):
    """The text of line under each (start, end) span of display columns; the gaps between
    spans must be blank (a character there means the columns are not aligned)."""
    out = [[] for _ in spans]
    col, k, last = 0, 0, None
    for ch in line:
        w = width(ch)
        if w == 0:
            if last is not None:
                out[last].append(ch)
            continue
        while k < len(spans) and col >= spans[k][1]:
            k += 1
        if k < len(spans) and col >= spans[k][0]:
            out[k].append(ch)
            last = k
        else:
            last = None
            if ch != " ":
                out[min(k, len(spans) - 1)].append("\x00misaligned")
        col += w
    return ["".join(x) for x in out]


class Checker:
    def __init__(self):
        self.failures = 0
        self.cells = 0

    def eq(self, where, got, want):
        self.cells += 1
        if got != want:
            self.failures += 1
            if self.failures <= 40:
                print(f"FAIL {where}: got {got!r}, expected {want!r}")
            return False
        return True

    def near(self, where, got, want, tol=Fraction(1, 10 ** 12)):
        """Equal within tol, or within 1e-14 of want's size (PostgreSQL's numeric division
        keeps about 16 significant digits, a double about 16)."""
        self.cells += 1
        ok = (got is None and want is None) or (
            got is not None and want is not None and
            abs(Fraction(got) - Fraction(want)) <= max(tol, abs(Fraction(want)) / 10 ** 14))
        if not ok:
            self.failures += 1
            if self.failures <= 40:
                print(f"FAIL {where}: got {got!r}, expected {want!r}")
        return ok


def run_report(report, dsn, args, out=None):
    cmd = [report] + args + ["--db", dsn]
    r = subprocess.run(cmd, capture_output=True)
    if r.returncode != 0:
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {r.returncode}: {r.stderr.decode()}")
    return r.stdout


def check_json(ck, where, doc, key, cols, rows, report, period, version):
    ck.eq(f"{where} report", doc.get("report"), report)
    ck.eq(f"{where} period", doc.get("period"), period)
    ck.eq(f"{where} version", doc.get("version"), version)
    ck.eq(f"{where} generated_at", doc.get("generated_at", "")[:2], "20")
    got_rows = doc.get(key)
    ck.eq(f"{where} row count", len(got_rows), len(rows))
    for n, (got, want) in enumerate(zip(got_rows, rows)):
        ck.eq(f"{where} row {n} keys", list(got.keys()), [c[0] for c in cols])
        for c in cols:
            key, kind = c[0], c[3]
            g, w = got.get(key), want[key]
            if kind in (PCT, DEC):
                ck.near(f"{where} row {n} {key}", g, w)
            elif kind == TIME:
                ck.eq(f"{where} row {n} {key}", g, display(c, w, "vi", "csv") if w is not None else None)
            elif kind == DATE:
                ck.eq(f"{where} row {n} {key}", g, w.isoformat() if w else None)
            elif kind == INT:
                ck.eq(f"{where} row {n} {key}", g, w)
                if g is not None:
                    ck.eq(f"{where} row {n} {key} is a number", type(g), int)
            else:
                ck.eq(f"{where} row {n} {key}", g, w)


def check_csv(ck, where, raw, cols, rows, lang):
    ck.eq(f"{where} BOM", raw[:3], b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    # CRLF after every record (no field here holds a line break)
    ck.eq(f"{where} CRLF", text.count("\n"), text.count("\r\n"))
    recs = list(csv.reader(io.StringIO(text, newline="")))
    ck.eq(f"{where} header", recs[0], [c[1] if lang == "vi" else c[2] for c in cols])
    ck.eq(f"{where} row count", len(recs) - 1, len(rows))
    for n, (got, want) in enumerate(zip(recs[1:], rows)):
        ck.eq(f"{where} row {n}", got, [display(c, want[c[0]], lang, "csv") for c in cols])


def check_table(ck, where, lines, cols, rows, lang, marks=None):
    """lines: header, rule, rows of one table. Cells cut at the rule's display columns."""
    rule = lines[1]
    spans, i = [], 0
    while i < len(rule):
        if rule[i] == "-":
            j = i
            while j < len(rule) and rule[j] == "-":
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    shown = [c for c in cols if c[5]]
    has_marks = len(spans) == len(shown) + 1
    ck.eq(f"{where} mark column", has_marks, bool(marks and any(marks)))
    if has_marks:
        spans = spans[1:]
    ck.eq(f"{where} columns", len(spans), len(shown))
    ck.eq(f"{where} row count", len(lines) - 2, len(rows))
    total = spans[-1][1]
    prev = None
    for n, (line, want) in enumerate(zip(lines[2:], rows)):
        cells = split_columns(line, ([(0, 1)] if has_marks else []) + spans)
        if width(line) > total:
            ck.eq(f"{where} row {n} wider than its rule", width(line), total)
        if has_marks:
            ck.eq(f"{where} row {n} mark", cells.pop(0), "!" if marks[n] else " ")
        for c, cell in zip(shown, cells):
            key, kind, grp, null_blank = c[0], c[3], c[6], c[7]
            exp = display(c, want[key], lang, "table")
            if want[key] is None:
                exp = "" if null_blank else "—"
            blanked = grp > 0 and prev is not None and all(
                prev[k[0]] == want[k[0]] for k in cols if 0 < k[6] <= grp)
            if blanked:
                exp = ""
            if c[0] == "unit_name" and exp:
                exp = "  " * want["depth"] + exp
            if kind in (INT, PCT, DEC):  # right-aligned: the text ends at the column's end
                ck.eq(f"{where} row {n} {key}", cell.strip(), exp)
                if exp:
                    ck.eq(f"{where} row {n} {key} right-aligned", cell.endswith(" "), False)
            else:
                ck.eq(f"{where} row {n} {key}", cell.rstrip(), exp)
        prev = want


def tables_of(text):
    """The tables of a table-format output: lists [header, rule, rows...]."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        if line and set(line) <= {"-", " "} and "--" in line:
            j = i + 1
            while j < len(lines) and lines[j] != "":
                j += 1
            out.append(lines[i - 1:j])
    return out


def check_xlsx(ck, where, path, sheets):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    ck.eq(f"{where} sheets", wb.sheetnames, [s[0] for s in sheets])
    for (title, cols, rows, lang), ws in zip(sheets, wb.worksheets):
        w = f"{where} [{title}]"
        ck.eq(f"{w} frozen header", ws.freeze_panes, "A2")
        head = [ws.cell(1, i + 1) for i in range(len(cols))]
        ck.eq(f"{w} header", [h.value for h in head], [c[1] if lang == "vi" else c[2] for c in cols])
        ck.eq(f"{w} header bold", all(h.font.b for h in head), True)
        ck.eq(f"{w} row count", ws.max_row - 1, len(rows))
        for n, want in enumerate(rows):
            cells = [ws.cell(n + 2, i + 1) for i in range(len(cols))]
            for c, cell in zip(cols, cells):
                key, kind = c[0], c[3]
                v, e = cell.value, want[key]
                at = f"{w} row {n} {key}"
                if e is None:
                    ck.eq(at, v, None)
                elif kind == INT:
                    ck.eq(at, v, e)
                elif kind == PCT:
                    ck.near(at, v, e / 100, Fraction(1, 10 ** 13))
                    ck.eq(f"{at} format", cell.number_format, "0.00%")
                elif kind == DEC:
                    ck.near(at, v, e, Fraction(1, 10 ** 11))
                    ck.eq(f"{at} format", cell.number_format, "0.00")
                elif kind in (ENUM, BOOL):
                    ck.eq(at, v, LABELS[lang][c[4]][e])
                elif kind == TIME:
                    # the wall-clock time in Vietnam, without a zone (Excel has none)
                    ck.near(at, Fraction(v.replace(tzinfo=timezone.utc).timestamp()),
                            Fraction(e.astimezone(VN).replace(tzinfo=timezone.utc).timestamp()),
                            Fraction(1, 1000))
                elif kind == DATE:
                    ck.eq(at, v.date() if hasattr(v, "date") else v, e)
                else:
                    ck.eq(at, v, e)
                if key == "unit_name" and e is not None:
                    ck.eq(f"{at} indent", cell.alignment.indent, min(want["depth"], 15))
            bad = want.get("status") in ("not_met", "missing")
            fill = cells[0].fill.fgColor.rgb if cells[0].fill and cells[0].fill.fill_type else None
            ck.eq(f"{w} row {n} red fill", fill == "FFFFC7CE", bad)


def psql_json(query):
    r = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", query], capture_output=True, check=True)
    return json.loads(r.stdout.decode() or "null") or []


def check(out_dir, report, dsn):
    global INDICATOR_CODES
    with open(os.path.join(out_dir, "data.json"), encoding="utf-8") as f:
        data = json.load(f)
    new = {u["code"] for u in data["units"]}
    catalogue = {
        "units": [u for u in psql_json(
            "SELECT json_agg(json_build_object('code', code, 'parent_code', parent_code, 'name_vi', name_vi,"
            " 'name_en', name_en, 'reports', reports, 'valid_from', valid_from, 'valid_to', valid_to)) FROM unit")
            if u["code"] not in new],
        "indicators": psql_json("SELECT json_agg(i) FROM indicator i"),
        "rates": psql_json("SELECT json_agg(r) FROM rate r"),
        "targets": psql_json("SELECT json_agg(t) FROM target t"),
    }
    m = Model(data, catalogue)
    ck = Checker()
    periods = [(2, 3), (1, 7), (3, 1), (4, 1)]
    tmp = os.path.join(out_dir, "out")
    os.makedirs(tmp, exist_ok=True)

    # -- the hand-made cases, stated outright ------------------------------------
    f3 = m.figures(2, 3, "revised")
    r3 = m.rates_of(f3)
    ck.eq("ratio of sums 1/101, not the average 50 %", r3[("BQ-RATIO", "online_rate")][2], Fraction(100, 101))
    ck.eq("zero denominator: no rate", r3[("BQ-ZERO", "online_rate")], (0, 0, None))
    ck.eq("a unit with only a yearly report has no Q3 figure", ("VP-YEAR", "dossier_received") in f3, False)
    ck.eq("...but a yearly one", m.figures(4, 1, "revised")[("VP-YEAR", "dossier_received")], (4000, 1, "direct"))
    ck.eq("dissolved unit: not in Q3", ("T-OLD", "dossier_received") in f3, False)
    ck.eq("newest observation wins", f3[("VP-ORDER", "dossier_received")][0], 500)
    ck.eq("first received with --as first", m.figures(2, 3, "first")[("VP-ORDER", "dossier_received")][0], 400)
    ck.eq("a correction leaving a figure out keeps it", f3[("VP-ORDER", "dossier_received_online")][0], 460)
    ck.eq("new unit: August and September only", f3[("T-NEW", "dossier_received")], (60, 1, "months"))

    for kind, idx in periods:
        p = period_text(kind, idx)
        versions = ["revised", "first"] if (kind, idx) == (2, 3) else ["revised"]
        for version in versions:
            vargs = ["--as", version] if version == "first" else []
            langs = ["vi", "en"] if (kind, idx) == (2, 3) and version == "revised" else ["vi"]
            for lang in langs:
                _, _, fig_rows, rate_rows = expected_summary(m, kind, idx, version, lang)
                target_rows = expected_targets(m, kind, idx, version, lang)
                w = f"summary {p} {version} {lang}"
                base = ["--lang", lang] + vargs
                # json
                doc = json.loads(run_report(report, dsn, ["summary", p, "--format", "json"] + base),
                                 parse_float=Decimal)
                check_json(ck, f"{w} json rows", doc, "rows", FIGURE_COLS, fig_rows, "summary", p, version)
                check_json(ck, f"{w} json rates", doc, "rates", RATE_COLS, rate_rows, "summary", p, version)
                # csv: two files
                out = os.path.join(tmp, f"s-{p}-{version}-{lang}.csv")
                run_report(report, dsn, ["summary", p, "--format", "csv", "--output", out] + base)
                with open(out, "rb") as f:
                    check_csv(ck, f"{w} csv", f.read(), FIGURE_COLS, fig_rows, lang)
                with open(out.replace(".csv", "-rates.csv"), "rb") as f:
                    check_csv(ck, f"{w} csv rates", f.read(), RATE_COLS, rate_rows, lang)
                # xlsx
                out = os.path.join(tmp, f"s-{p}-{version}-{lang}.xlsx")
                run_report(report, dsn, ["summary", p, "--format", "xlsx", "--output", out] + base)
                sheet_names = ("Số liệu", "Tỷ lệ - chỉ tiêu") if lang == "vi" else ("Figures", "Rates and targets")
                check_xlsx(ck, f"{w} xlsx", out, [(sheet_names[0], FIGURE_COLS, fig_rows, lang),
                                                  (sheet_names[1], RATE_COLS, rate_rows, lang)])
                # table
                text = run_report(report, dsn, ["summary", p] + base).decode()
                t = tables_of(text)
                ck.eq(f"{w} table count", len(t), 2)
                check_table(ck, f"{w} table", t[0], FIGURE_COLS, fig_rows, lang)
                check_table(ck, f"{w} table rates", t[1], RATE_COLS, rate_rows, lang,
                            [r["status"] == "not_met" for r in rate_rows])

                # targets
                w = f"targets {p} {version} {lang}"
                doc = json.loads(run_report(report, dsn, ["targets", p, "--format", "json"] + base),
                                 parse_float=Decimal)
                check_json(ck, f"{w} json", doc, "rows", TARGET_COLS, target_rows, "targets", p, version)
                out = os.path.join(tmp, f"t-{p}-{version}-{lang}.csv")
                run_report(report, dsn, ["targets", p, "--format", "csv", "--output", out] + base)
                with open(out, "rb") as f:
                    check_csv(ck, f"{w} csv", f.read(), TARGET_COLS, target_rows, lang)
                out = os.path.join(tmp, f"t-{p}-{version}-{lang}.xlsx")
                run_report(report, dsn, ["targets", p, "--format", "xlsx", "--output", out] + base)
                check_xlsx(ck, f"{w} xlsx", out, [("Chỉ tiêu" if lang == "vi" else "Targets", TARGET_COLS,
                                                   target_rows, lang)])
                text = run_report(report, dsn, ["targets", p] + base).decode()
                t = tables_of(text)
                check_table(ck, f"{w} table", t[0], TARGET_COLS, target_rows, lang,
                            [r["status"] == "not_met" for r in target_rows])

        # completeness (no version)
        lang = "vi"
        rows = expected_completeness(m, kind, idx, lang)
        w = f"completeness {p}"
        doc = json.loads(run_report(report, dsn, ["completeness", p, "--format", "json"]), parse_float=Decimal)
        check_json(ck, f"{w} json", doc, "rows", COMPLETENESS_COLS, rows, "completeness", p, None)
        out = os.path.join(tmp, f"c-{p}.csv")
        run_report(report, dsn, ["completeness", p, "--format", "csv", "--output", out])
        with open(out, "rb") as f:
            check_csv(ck, f"{w} csv", f.read(), COMPLETENESS_COLS, rows, lang)
        out = os.path.join(tmp, f"c-{p}.xlsx")
        run_report(report, dsn, ["completeness", p, "--format", "xlsx", "--output", out])
        check_xlsx(ck, f"{w} xlsx", out, [("Tình hình báo cáo", COMPLETENESS_COLS, rows, lang)])
        text = run_report(report, dsn, ["completeness", p]).decode()
        t = tables_of(text)
        check_table(ck, f"{w} table", t[0], COMPLETENESS_COLS, rows, lang,
                    [r["status"] == "missing" for r in rows])
        missing = [r["unit_code"] for r in rows if r["status"] == "missing"]
        expected_n = sum(1 for r in rows if r["expected"])
        ck.eq(f"{w} note counts", f"Phải báo cáo: {expected_n} đơn vị;" in text, True)
        ck.eq(f"{w} note missing", f"CHƯA BÁO CÁO: {len(missing)} (đánh dấu !)" in text, True)

    # -- a subtree, two levels ------------------------------------------------------
    _, _, fig_rows, rate_rows = expected_summary(m, 2, 3, "revised", "vi", root="BQLKKT", depth=1)
    doc = json.loads(run_report(report, dsn, ["summary", "2026-Q3", "--unit", "BQLKKT", "--depth", "1",
                                              "--format", "json"]), parse_float=Decimal)
    check_json(ck, "summary --unit BQLKKT --depth 1 rows", doc, "rows", FIGURE_COLS, fig_rows, "summary",
               "2026-Q3", "revised")
    check_json(ck, "summary --unit BQLKKT --depth 1 rates", doc, "rates", RATE_COLS, rate_rows, "summary",
               "2026-Q3", "revised")

    # -- history of a figure corrected out of order ------------------------------------
    doc = json.loads(run_report(report, dsn, ["history", "--unit", "VP-ORDER", "--indicator",
                                              "dossier_received_online", "--period", "2026-Q3",
                                              "--format", "json"]))
    hist = sorted([s for s in m.subs if s["unit"] == "VP-ORDER" and "dossier_received_online" in s["values"]],
                  key=lambda s: (s["received"], s["id"]))
    current = max(hist, key=lambda s: (s["observed"], s["received"], s["id"]))
    lf = late_from(2, 3)
    want = [dict(version=i + 1, value=s["values"]["dossier_received_online"], is_current=s is current,
                 is_final=s["is_final"], after_deadline=s["received"] >= lf,
                 reason_missing=i > 0 and s["received"] >= lf and s["note"].strip() == "",
                 agent=s["agent"], spool_id=s["spool_id"], seq=s["seq"], note=s["note"])
            for i, s in enumerate(hist)]
    ck.eq("history rows", len(doc["rows"]), len(want))
    for n, (g, e) in enumerate(zip(doc["rows"], want)):
        for k, v in e.items():
            ck.eq(f"history row {n} {k}", g.get(k), v)

    print(f"report_exact: {ck.cells} cells compared, {ck.failures} differences")
    return 1 if ck.failures else 0


INDICATOR_CODES = []

if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "generate":
        INDICATOR_CODES = [i["code"] for i in sorted(psql_json("SELECT json_agg(i) FROM indicator i"),
                                                     key=lambda i: i["sort_order"])]
        generate(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)

"""Raw per-criterion scores and the ranking of a stage as tables, written as CSV or XLSX (anyone can recompute)."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from judging.models import CriterionScore, ScoreSheet
from judging.ranking import rank_stage
from submissions.models import Innovation


def scores_table(stage) -> tuple[list[str], list[list]]:
    """One row per counted sheet (submitted, assignment active): every criterion's score, scale and weight."""
    criteria = list(stage.criteria.order_by("order"))
    header = [
        _("entry number"),
        _("innovation id"),
        _("innovation"),
        _("judge id"),
        _("judge"),
        _("status"),
        _("total"),
    ]
    for c in criteria:
        header += [c.code, _("%(code)s max") % {"code": c.code}, _("%(code)s weight") % {"code": c.code}]
    sheets = list(
        ScoreSheet.objects.filter(assignment__stage=stage, assignment__released_at__isnull=True)
        .select_related("assignment__innovation", "assignment__judge")
        .order_by("assignment__innovation__entry_number", "assignment__innovation_id", "assignment__judge_id")
    )
    values = {}
    # The same sheets by their stage, not an IN list of every sheet's id (17,500 on a national stage).
    for sheet_id, criterion_id, value, scale_max in CriterionScore.objects.filter(
        sheet__assignment__stage=stage, sheet__assignment__released_at__isnull=True
    ).values_list("sheet_id", "criterion_id", "value", "scale_max"):
        values[sheet_id, criterion_id] = (value, scale_max)
    rows = []
    for sheet in sheets:
        a = sheet.assignment
        row = [
            a.innovation.entry_number or "",
            a.innovation_id,
            a.innovation.title,
            a.judge_id,
            a.judge.get_full_name() or a.judge.username,
            sheet.status,
            "" if sheet.total is None else sheet.total,
        ]
        for c in criteria:
            value, scale_max = values.get((sheet.pk, c.pk), ("", c.max_score))
            row += [value, scale_max, c.weight]
        rows.append(row)
    return header, rows


def ranking_table(stage, *, category=None) -> tuple[list[str], list[list]]:
    entries = rank_stage(stage, category=category, with_judge_totals=True)
    innovations = Innovation.objects.in_bulk([e.innovation_id for e in entries])
    judges = sorted({j for e in entries for j in e.judge_totals})
    header = [
        _("rank"),
        _("entry number"),
        _("innovation id"),
        _("innovation"),
        _("score (%(method)s)") % {"method": stage.get_aggregation_display()},
        _("raw mean"),
        _("submitted sheets"),
        _("spread"),
        _("flags"),
        _("tie-break"),
        *[_("judge %(id)s total") % {"id": j} for j in judges],
    ]
    rows = []
    for e in entries:
        innovation = innovations[e.innovation_id]
        rows.append(
            [
                e.rank,
                innovation.entry_number or "",
                innovation.pk,
                innovation.title,
                "" if e.score is None else e.score,
                "" if e.raw_mean is None else e.raw_mean,
                e.sheets,
                "" if e.spread is None else e.spread,
                " ".join(sorted(e.flags)),
                e.tie_break,
                *["" if e.judge_totals.get(j) is None else e.judge_totals[j] for j in judges],
            ]
        )
    return header, rows


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """Text an agency typed (a title) must never run as a spreadsheet formula on the committee's computer."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(str(h)) for h in header])
    writer.writerows([[_safe(v) for v in row] for row in rows])
    return out.getvalue()


def to_xlsx(stage) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    for sheet, (header, rows) in (
        (first, ranking_table(stage)),
        (workbook.create_sheet(), scores_table(stage)),
    ):
        sheet.append([_safe(str(h)) for h in header])
        for row in rows:
            sheet.append(["" if v is None else _safe(v) for v in row])
    first.title = _("Ranking")[:31]
    workbook.worksheets[1].title = _("Scores")[:31]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

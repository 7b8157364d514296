"""Seed a national-scale competition straight into Postgres with COPY (psycopg 3).

Every row is written through COPY with explicit ids (the identity sequences are moved past them at the end), so the
national size (3,500 innovations, 175,000 criterion scores) loads in seconds and the stress size (ten times larger) in
well under two minutes on two cores. Sheet totals are stored exactly as judging.ranking defines them
(sum(weight * score / max) / sum(weight) * 100, rounded half-up to 4 decimals), from integer arithmetic.

The bench is a tool outside the apps' layering: it writes every app's tables directly, like a database restore would.
"""

from __future__ import annotations

import datetime
import json
import random
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, models
from django.utils import timezone

BENCH_PASSWORD = "Bench-Rahasia-2026"  # noqa: S105 - made-up login of a throwaway database
Q4 = Decimal("0.0001")

# Ten criteria: the national 2023 proposal weights plus three; three of them on a 0-10 scale to exercise normalisation.
CRITERIA = [
    ("latar", "Latar belakang dan tujuan", 10, 100),
    ("kebaruan", "Kebaruan", 15, 100),
    ("implementasi", "Implementasi", 5, 100),
    ("signifikansi", "Signifikansi", 30, 100),
    ("adaptabilitas", "Adaptabilitas", 20, 100),
    ("sumber-daya", "Sumber daya", 5, 10),
    ("keberlanjutan", "Strategi keberlanjutan", 15, 100),
    ("kolaborasi", "Kolaborasi pemangku kepentingan", 10, 10),
    ("dampak", "Dampak terukur", 10, 100),
    ("replikasi", "Replikasi", 5, 10),
]
CATEGORIES = ["Kesehatan", "Pendidikan", "Lingkungan", "Tata kelola pemerintahan", "Ekonomi", "Daerah 3T"]
# The last category holds exactly this many entries: the committee leaderboard of one category shows 50 rows.
SMALL_CATEGORY = 50
SECTIONS = [
    "Ringkasan",
    "Latar belakang dan tujuan",
    "Kebaruan",
    "Implementasi",
    "Signifikansi",
    "Adaptabilitas",
    "Sumber daya",
    "Strategi keberlanjutan",
    "Kolaborasi pemangku kepentingan",
]
AGENCY_KINDS = ["opd", "school", "puskesmas", "rsud", "kecamatan", "bumd"]
ANSWER_TEXT = (
    "Inovasi ini memangkas waktu layanan dari lima hari menjadi satu hari dengan antrean daring, "
    "pengingat pesan singkat dan loket terpadu. Warga di kelurahan terpencil dilayani oleh petugas keliling. "
) * 3


@dataclass
class Size:
    label: str
    innovations: int
    agencies: int
    judges: int
    judges_per_innovation: int = 5
    criteria: int = len(CRITERIA)
    with_answers: bool = True

    @property
    def sheets(self) -> int:
        return self.innovations * self.judges_per_innovation

    @property
    def scores(self) -> int:
        return self.sheets * self.criteria


NATIONAL = Size("national", innovations=3_500, agencies=550, judges=100)
STRESS = Size("stress", innovations=35_000, agencies=5_500, judges=1_000, with_answers=False)


@dataclass
class Seeded:
    size: Size
    competition_id: int
    slug: str
    submission_stage_id: int
    proposal_stage_id: int
    committee_user_id: int
    judge_user_ids: list[int]
    agency_ids: list[int]
    member_user_ids: list[int]  # one per agency, same order
    innovation_ids: list[int]
    category_ids: list[int]
    group_id: int
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    tally_seconds: float = 0.0  # judging.tallies.rebuild of the proposal stage from the raw rows (part of seconds)


class Loader:
    """COPY rows into a model's table, filling every column the caller leaves out with the field's constant default."""

    def __init__(self):
        self.next_id: dict[type[models.Model], int] = {}
        self.counts: dict[str, int] = {}
        self.now = timezone.now()

    def ids(self, model, n: int) -> list[int]:
        if model not in self.next_id:
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')  # noqa: S608
                self.next_id[model] = cursor.fetchone()[0] + 1
        start = self.next_id[model]
        self.next_id[model] = start + n
        return list(range(start, start + n))

    def _default(self, f):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return self.now
        if f.has_default():
            value = f.get_default()
            return json.dumps(value) if isinstance(f, models.JSONField) else value
        if f.null:
            return None
        if isinstance(f, models.CharField | models.TextField | models.FileField):
            return ""
        raise ValueError(f"{f.model.__name__}.{f.name} needs a value")

    def copy(self, model, names: list[str], rows) -> int:
        meta = model._meta
        given = [meta.get_field(name) for name in names]
        given_columns = {f.column for f in given}
        rest = [f for f in meta.concrete_fields if f.column not in given_columns]
        defaults = tuple(self._default(f) for f in rest)
        columns = ", ".join(f'"{f.column}"' for f in [*given, *rest])
        count = 0
        with connection.cursor() as cursor:
            # Like pg_restore --disable-triggers: the rows are consistent by construction, so the per-row foreign-key
            # triggers are skipped while loading (indexes, uniques and check constraints still apply).
            cursor.execute("SET session_replication_role = replica")
            try:
                with cursor.copy(f'COPY "{meta.db_table}" ({columns}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row((*row, *defaults))
                        count += 1
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
        self.counts[meta.db_table] = self.counts.get(meta.db_table, 0) + count
        return count

    def finish(self):
        """Move every identity sequence past the ids written, so the portal's own inserts keep working."""
        with connection.cursor() as cursor:
            for model in self.next_id:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                    f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                )


def sheet_total(values: list[int]) -> Decimal:
    """sum(w * v / max) / sum(w) * 100 with the scales 100 and 10: exact in integers, rounded half-up to 4 places."""
    num = 0
    den = 0
    for (_, _, weight, scale), value in zip(CRITERIA, values, strict=True):
        num += weight * value * (100 // scale)
        den += weight
    return (Decimal(num) / Decimal(den)).quantize(Q4, rounding=ROUND_HALF_UP)


def seed_entry_form(
    load: Loader, competition_id: int, *, entry_cap: int | None, first_question_required: bool
) -> tuple[list[int], int, list[int]]:
    """The competition's CATEGORIES, its one group ("umum", 24 months of implementation, `entry_cap` entries per
    agency) and the group's SECTIONS as questions of 600 words, required from the second on (from the first too when
    `first_question_required`). Returns the category ids, the group id and the question ids."""
    from competitions.models import Category, EntryGroup, Question

    category_ids = load.ids(Category, len(CATEGORIES))
    load.copy(
        Category,
        ["id", "competition", "name", "order"],
        [(pk, competition_id, name, i) for i, (pk, name) in enumerate(zip(category_ids, CATEGORIES, strict=True))],
    )
    [group_id] = load.ids(EntryGroup, 1)
    load.copy(
        EntryGroup,
        ["id", "competition", "kind", "min_implementation_months", "entry_cap_per_agency"],
        [(group_id, competition_id, "umum", 24, entry_cap)],
    )
    question_ids = load.ids(Question, len(SECTIONS))
    load.copy(
        Question,
        ["id", "group", "order", "title", "word_limit", "required"],
        [
            (pk, group_id, i + 1, title, 600, i > 0 or first_question_required)
            for i, (pk, title) in enumerate(zip(question_ids, SECTIONS, strict=True))
        ],
    )
    return category_ids, group_id, question_ids


def seed(size: Size, *, seed_value: int = 2026, prefix: str | None = None) -> Seeded:
    """Seed one competition of the given size; returns the ids the measurements need."""
    from competitions.models import CommitteeMember, Competition, Region, Stage
    from judging.models import Assignment, Criterion, CriterionScore, PanelMember, ScoreSheet
    from submissions.models import Agency, AgencyMembership, Answer, Innovation, StageEntry

    started = time.perf_counter()
    rng = random.Random(seed_value)
    prefix = prefix or size.label
    load = Loader()
    now = load.now
    deadline = now - datetime.timedelta(days=30)
    User = _user_model()
    password = make_password(BENCH_PASSWORD)

    # Regions: 38 provinces and about one regency/city per three agencies.
    n_regions = max(10, size.agencies // 3)
    region_ids = load.ids(Region, 38 + n_regions)
    province_ids = region_ids[:38]
    city_ids = region_ids[38:]
    load.copy(
        Region,
        ["id", "name", "kind", "parent", "is_remote"],
        [(pk, f"{prefix} Provinsi {i + 1}", "province", None, i % 7 == 0) for i, pk in enumerate(province_ids)]
        + [
            (pk, f"{prefix} Kabupaten {i + 1}", "regency", province_ids[i % 38], i % 9 == 0)
            for i, pk in enumerate(city_ids)
        ],
    )

    [competition_id] = load.ids(Competition, 1)
    slug = f"bench-{prefix}"
    load.copy(
        Competition,
        ["id", "name", "slug", "year", "level", "organiser", "is_public", "signatory_name", "signatory_title"],
        [
            (
                competition_id,
                f"Kompetisi Inovasi Pelayanan Publik ({prefix})",
                slug,
                2026,
                "national",
                "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
                True,
                "Dr. Rini Widyastuti, M.Si.",
                "Deputi Bidang Pelayanan Publik",
            )
        ],
    )
    category_ids, group_id, question_ids = seed_entry_form(
        load, competition_id, entry_cap=None, first_question_required=False
    )
    submission_stage_id, screening_stage_id, proposal_stage_id = load.ids(Stage, 3)
    stage_columns = ["id", "competition", "order", "kind", "name", "opens_at", "closes_at", "shortlist_size"]
    load.copy(
        Stage,
        [*stage_columns, "judges_per_innovation", "min_sheets"],
        [
            (
                submission_stage_id,
                competition_id,
                1,
                "submission",
                "Pendaftaran",
                deadline - datetime.timedelta(60),
                deadline,
                None,
                1,
                1,
            ),
            (
                screening_stage_id,
                competition_id,
                2,
                "screening",
                "Seleksi administrasi",
                deadline,
                deadline + datetime.timedelta(10),
                None,
                1,
                1,
            ),
            (
                proposal_stage_id,
                competition_id,
                3,
                "proposal",
                "Evaluasi proposal",
                deadline + datetime.timedelta(10),
                now + datetime.timedelta(10),
                99,
                size.judges_per_innovation,
                3,
            ),
        ],
    )
    criterion_ids = load.ids(Criterion, len(CRITERIA))
    load.copy(
        Criterion,
        ["id", "stage", "order", "code", "name", "guidance", "weight", "min_score", "max_score", "step"],
        [
            (
                pk,
                proposal_stage_id,
                i + 1,
                code,
                name,
                f"Nilai {name.lower()} dari 0 sampai {scale}.",
                weight,
                0,
                scale,
                1,
            )
            for i, (pk, (code, name, weight, scale)) in enumerate(zip(criterion_ids, CRITERIA, strict=True))
        ],
    )

    # People: a committee member, the judges, one member per agency.
    n_users = 1 + size.judges + size.agencies
    user_ids = load.ids(User, n_users)
    committee_user_id = user_ids[0]
    judge_user_ids = user_ids[1 : 1 + size.judges]
    member_user_ids = user_ids[1 + size.judges :]
    usernames = (
        [f"{prefix}_panitia"]
        + [f"{prefix}_juri_{i + 1:04d}" for i in range(size.judges)]
        + [f"{prefix}_dinas_{i + 1:05d}" for i in range(size.agencies)]
    )
    load.copy(
        User,
        [
            "id",
            "username",
            "password",
            "email",
            "first_name",
            "last_name",
            "is_active",
            "is_staff",
            "is_superuser",
            "date_joined",
        ],
        [
            (pk, name, password, f"{name}@bench.go.id", "Bench", name, True, False, False, now)
            for pk, name in zip(user_ids, usernames, strict=True)
        ],
    )
    load.copy(
        CommitteeMember,
        ["id", "competition", "user", "position"],
        [(load.ids(CommitteeMember, 1)[0], competition_id, committee_user_id, "Sekretariat")],
    )
    agency_ids = load.ids(Agency, size.agencies)
    load.copy(
        Agency,
        ["id", "name", "kind", "region", "email"],
        [
            (
                pk,
                f"{prefix} Unit Layanan {i + 1:05d}",
                AGENCY_KINDS[i % len(AGENCY_KINDS)],
                city_ids[i % len(city_ids)],
                f"unit{i + 1}@bench.go.id",
            )
            for i, pk in enumerate(agency_ids)
        ],
    )
    membership_ids = load.ids(AgencyMembership, size.agencies)
    load.copy(
        AgencyMembership,
        ["id", "agency", "user", "is_contact"],
        [(pk, a, u, True) for pk, a, u in zip(membership_ids, agency_ids, member_user_ids, strict=True)],
    )

    # Innovations: all eligible and in the proposal stage, most submitted in the last days before the deadline.
    innovation_ids = load.ids(Innovation, size.innovations)
    submitted = [
        deadline
        - datetime.timedelta(
            seconds=int(rng.expovariate(1 / 86_400) if rng.random() < 0.8 else rng.uniform(0, 40 * 86_400))
        )
        for _ in innovation_ids
    ]
    innovation_agency = [agency_ids[i % size.agencies] for i in range(size.innovations)]
    big = category_ids[:-1]
    innovation_category = [
        category_ids[-1] if i < SMALL_CATEGORY else big[(i * 7) % len(big)] for i in range(size.innovations)
    ]
    load.copy(
        Innovation,
        [
            "id",
            "competition",
            "group",
            "category",
            "agency",
            "title",
            "start_date",
            "innovator",
            "declaration",
            "status",
            "entry_number",
            "submitted_at",
            "stage_reached",
            "created_by",
        ],
        (
            (
                pk,
                competition_id,
                group_id,
                innovation_category[i],
                innovation_agency[i],
                f"Inovasi Layanan {prefix} {i + 1:05d}",
                datetime.date(2021, 1 + i % 12, 1 + i % 28),
                "Tim inovasi",
                True,
                "eligible",
                f"{prefix.upper()[:3]}-{i + 1:05d}",
                submitted[i],
                proposal_stage_id,
                member_user_ids[i % size.agencies],
            )
            for i, pk in enumerate(innovation_ids)
        ),
    )
    for stage_id in (submission_stage_id, screening_stage_id, proposal_stage_id):
        entry_ids = load.ids(StageEntry, size.innovations)
        load.copy(
            StageEntry,
            ["id", "innovation", "stage"],
            ((e, i, stage_id) for e, i in zip(entry_ids, innovation_ids, strict=True)),
        )
    if size.with_answers:
        answer_ids = iter(load.ids(Answer, size.innovations * len(SECTIONS)))
        load.copy(
            Answer,
            ["id", "innovation", "question", "text"],
            ((next(answer_ids), i, q, ANSWER_TEXT) for i in innovation_ids for q in question_ids),
        )

    # Panel, assignments (k distinct judges per innovation, loads equal), submitted sheets with stored totals.
    panel_ids = load.ids(PanelMember, size.judges)
    load.copy(
        PanelMember,
        ["id", "stage", "judge", "affiliation"],
        [(pk, proposal_stage_id, j, "Universitas Contoh") for pk, j in zip(panel_ids, judge_user_ids, strict=True)],
    )
    k = size.judges_per_innovation
    assignment_ids = load.ids(Assignment, size.sheets)
    pairs = [(i, judge_user_ids[(n * k + t) % size.judges]) for n, i in enumerate(innovation_ids) for t in range(k)]
    load.copy(
        Assignment,
        ["id", "stage", "judge", "innovation", "assigned_by"],
        ((pk, proposal_stage_id, j, i, committee_user_id) for pk, (i, j) in zip(assignment_ids, pairs, strict=True)),
    )
    quality = {i: rng.gauss(0.68, 0.10) for i in innovation_ids}
    bias = {j: rng.gauss(0, 0.05) for j in judge_user_ids}
    sheet_ids = load.ids(ScoreSheet, size.sheets)
    score_ids = load.ids(CriterionScore, size.scores)
    sheet_rows = []
    score_rows = []
    s = 0
    for sheet_id, assignment_id, (i, j) in zip(sheet_ids, assignment_ids, pairs, strict=True):
        base = quality[i] + bias[j]
        values = []
        for criterion_id, (_, _, _, scale) in zip(criterion_ids, CRITERIA, strict=True):
            value = min(scale, max(0, round((base + rng.gauss(0, 0.08)) * scale)))
            values.append(value)
            score_rows.append((score_ids[s], sheet_id, criterion_id, value, 0, scale))
            s += 1
        sheet_rows.append(
            (sheet_id, assignment_id, "submitted", 1, sheet_total(values), deadline + datetime.timedelta(days=20))
        )
    load.copy(ScoreSheet, ["id", "assignment", "status", "version", "total", "submitted_at"], sheet_rows)
    load.copy(CriterionScore, ["id", "sheet", "criterion", "value", "scale_min", "scale_max"], score_rows)
    load.finish()
    # COPY bypasses the model saves that keep the ranking's entry tallies current: rebuild them from the raw rows,
    # as after any bulk import, and report how long a full recomputation takes.
    from competitions.models import Stage
    from judging import tallies

    tally_started = time.perf_counter()
    tallies.rebuild(Stage.objects.get(pk=proposal_stage_id))
    tally_seconds = time.perf_counter() - tally_started

    return Seeded(
        size=size,
        competition_id=competition_id,
        slug=slug,
        submission_stage_id=submission_stage_id,
        proposal_stage_id=proposal_stage_id,
        committee_user_id=committee_user_id,
        judge_user_ids=judge_user_ids,
        agency_ids=agency_ids,
        member_user_ids=member_user_ids,
        innovation_ids=innovation_ids,
        category_ids=category_ids,
        group_id=group_id,
        seconds=time.perf_counter() - started,
        rows=dict(load.counts),
        tally_seconds=tally_seconds,
    )


def _user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()

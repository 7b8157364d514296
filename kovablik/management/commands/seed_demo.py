"""Load the demo competition: idempotent, so running it twice gives the same rows."""

import datetime
import hashlib
import io
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from competitions.enums import AttachmentType, GroupKind, Level, RegionKind, StageKind
from competitions.models import (
    AttachmentRequirement,
    Category,
    CommitteeMember,
    Competition,
    EntryGroup,
    Question,
    Region,
    Stage,
)
from judging import services as judging_services
from judging.models import Assignment, Conflict, Criterion, PanelMember, ScoreSheet
from kovablik import demo_data as data
from submissions.enums import InnovationStatus, ScreeningOutcome
from submissions.models import (
    Agency,
    AgencyMembership,
    Answer,
    Attachment,
    Innovation,
    LocalAdmin,
    ScreeningDecision,
    StageEntry,
)

SLUG = "kolabik-2022"
PASSWORD = "Kolabik-Demo-2022"  # noqa: S105 - the published demo password, printed for the user
# Statuses by position in data.INNOVATIONS: the last few never got past a draft, were withdrawn or failed screening.
NOT_ELIGIBLE = {
    52: InnovationStatus.DRAFT,
    53: InnovationStatus.DRAFT,
    54: InnovationStatus.WITHDRAWN,
    55: InnovationStatus.INELIGIBLE,
    56: InnovationStatus.RETURNED,
    51: InnovationStatus.INELIGIBLE,
}
JUDGES_PER_INNOVATION = 3


def demo_pdf(title: str) -> bytes:
    """A one-page A4 PDF whose metadata names the document, so every demo file has its own content."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title, "/Producer": "Kovablik demo"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Load the Kolabik Kota Pasuruan 2022 demo competition (made-up data) and print the demo logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            competition = self.seed()
        self.stdout.write(self.style.SUCCESS(f"Demo competition ready: {competition}"))
        self.stdout.write(
            f"  innovations: {competition.innovations.count()}, "
            f"agencies: {Agency.objects.filter(innovations__competition=competition).distinct().count()}, "
            f"score sheets: {ScoreSheet.objects.filter(assignment__stage__competition=competition).count()}"
        )
        self.stdout.write(f"Demo logins (password for all: {PASSWORD}):")
        for role, username in [
            ("committee", "panitia"),
            ("agency member (Dinas Kesehatan)", "dinkes"),
            ("judge", "juri1"),
            ("local admin", "koordinator"),
        ]:
            self.stdout.write(f"  {role:34} {username}")

    def user(self, username, full_name="", email=None):
        first, _, last = full_name.partition(" ")
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": first[:150], "last_name": last[:150], "email": email or f"{username}@demo.go.id"},
        )
        if created:
            # One hash for every demo user: hashing 45 passwords one by one takes most of a minute.
            user.password = self.password_hash
            user.save(update_fields=["password"])
        return user

    def seed(self):
        self.password_hash = make_password(PASSWORD)
        rng = random.Random(2022)
        day = datetime.timedelta(days=1)
        province, _ = Region.objects.get_or_create(name="Jawa Timur", kind=RegionKind.PROVINCE)
        city, _ = Region.objects.get_or_create(
            name="Kota Pasuruan", kind=RegionKind.CITY, defaults={"parent": province}
        )

        competition, _ = Competition.objects.update_or_create(
            slug=SLUG,
            defaults={
                "name": "Kompetisi Inovasi Pelayanan Publik (Kolabik) Kota Pasuruan",
                "year": 2022,
                "level": Level.CITY,
                "organiser": "Bagian Organisasi Sekretariat Daerah Kota Pasuruan",
                "description": (
                    "Kompetisi tahunan inovasi pelayanan publik bagi perangkat daerah, puskesmas, sekolah, "
                    "kecamatan dan kelurahan di Kota Pasuruan. Data demo ini rekaan."
                ),
                "signatory_name": "Drs. Bambang Hariyadi, M.Si.",
                "signatory_title": "Sekretaris Daerah Kota Pasuruan",
            },
        )
        CommitteeMember.objects.get_or_create(
            competition=competition,
            user=self.user("panitia", "Siti Rahmawati"),
            defaults={"position": "Sekretariat Kolabik"},
        )
        categories = [
            Category.objects.get_or_create(competition=competition, name=name, defaults={"order": i})[0]
            for i, name in enumerate(data.CATEGORIES, start=1)
        ]
        groups = {}
        sections = {
            GroupKind.GENERAL: (24, 3, data.GENERAL_SECTIONS),
            GroupKind.REPLICATION: (12, 3, data.REPLICATION_SECTIONS),
            GroupKind.SPECIAL: (24, 3, data.SPECIAL_SECTIONS),
        }
        for kind, (months, cap, questions) in sections.items():
            group, _ = EntryGroup.objects.get_or_create(
                competition=competition,
                kind=kind,
                defaults={"min_implementation_months": months, "entry_cap_per_agency": cap},
            )
            groups[kind] = group
            for order, title, limit, required in questions:
                Question.objects.get_or_create(
                    group=group,
                    order=order,
                    defaults={
                        "title": title,
                        "word_limit": limit,
                        "required": required,
                        "guidance": f"Jelaskan {title.lower()} inovasi Anda dengan singkat dan didukung data.",
                    },
                )
        for order, (code, name, allowed, size, required, files) in enumerate(data.ATTACHMENT_KINDS, start=1):
            AttachmentRequirement.objects.get_or_create(
                competition=competition,
                code=code,
                defaults={
                    "name": name,
                    "allowed": AttachmentType(allowed),
                    "max_size_mb": size,
                    "required": required,
                    "max_files": files,
                    "order": order,
                },
            )

        today = timezone.localdate()

        def wib(days, hour, minute=0):
            # Windows open at 08:00 and close at 23:59 Jakarta time, as a committee announces them.
            moment = datetime.datetime.combine(today + days * day, datetime.time(hour, minute))
            return timezone.make_aware(moment)

        stage_specs = [
            (1, StageKind.SUBMISSION, "Pengajuan proposal", wib(-40, 8), wib(-11, 23, 59), {}),
            (2, StageKind.SCREENING, "Seleksi administrasi", wib(-10, 8), wib(-4, 23, 59), {}),
            (3, StageKind.PROPOSAL, "Evaluasi proposal (Top 20)", wib(-3, 8), wib(11, 23, 59),
             {"shortlist_size": 20, "weight": 40, "judges_per_innovation": JUDGES_PER_INNOVATION, "objection_days": 5}),
            (4, StageKind.PRESENTATION, "Presentasi dan wawancara (Top 10)", wib(20, 8), wib(25, 23, 59),
             {"shortlist_size": 10, "weight": 60, "judges_per_innovation": 5}),
            (5, StageKind.FINAL, "Penetapan pemenang (Best Three)", wib(30, 8), wib(32, 23, 59),
             {"shortlist_size": 3, "weight": 0, "judges_per_innovation": 5}),
        ]  # fmt: skip
        stages = {}
        for order, kind, name, opens, closes, extra in stage_specs:
            stage, _ = Stage.objects.get_or_create(
                competition=competition,
                order=order,
                defaults={"kind": kind, "name": name, "opens_at": opens, "closes_at": closes, **extra},
            )
            stages[kind] = stage
        for kind, rubric in [
            (StageKind.PROPOSAL, data.PROPOSAL_RUBRIC),
            (StageKind.PRESENTATION, data.PRESENTATION_RUBRIC),
        ]:
            for order, (code, name, weight, guidance) in enumerate(rubric, start=1):
                Criterion.objects.get_or_create(
                    stage=stages[kind],
                    code=code,
                    defaults={
                        "order": order,
                        "name": name,
                        "weight": Decimal(weight),
                        "guidance": guidance,
                        "min_score": Decimal(0),
                        "max_score": Decimal(100),
                        "step": Decimal(1),
                    },
                )

        coordinator = self.user("koordinator", "Wahyu Hidayat")
        local_admin, _ = LocalAdmin.objects.get_or_create(
            user=coordinator, defaults={"region": city, "office": "Bagian Organisasi Setda Kota Pasuruan"}
        )
        agencies = []
        for i, (name, kind) in enumerate(data.AGENCIES):
            agency, _ = Agency.objects.get_or_create(
                name=name,
                region=city,
                defaults={"kind": kind, "local_admin": local_admin, "email": f"inovasi{i + 1:02d}@demo.go.id"},
            )
            agencies.append(agency)
            username = "dinkes" if i == 0 else f"unit{i + 1:02d}"
            AgencyMembership.objects.get_or_create(
                agency=agency, user=self.user(username, f"Operator {name}"), defaults={"is_contact": True}
            )

        committee_user = self.user("panitia")
        requirements = list(competition.attachment_kinds.order_by("order"))
        # Most entries arrive in the last days before the deadline, the last ones hours before it.
        deadline = stages[StageKind.SUBMISSION].closes_at
        innovations = []
        for i, (title, agency_index, category_index, group_kind) in enumerate(data.INNOVATIONS):
            status = NOT_ELIGIBLE.get(i, InnovationStatus.ELIGIBLE)
            submitted = None if status == InnovationStatus.DRAFT else deadline - datetime.timedelta(hours=5 * (57 - i))
            innovation, _ = Innovation.objects.get_or_create(
                competition=competition,
                title=title,
                defaults={
                    "agency": agencies[agency_index],
                    "category": categories[category_index],
                    "group": groups[GroupKind(group_kind)],
                    "start_date": datetime.date(2018 + i % 3, 1 + i % 12, 1 + i % 27),
                    "innovator": f"Tim Inovasi {agencies[agency_index].name}",
                    "contact_name": f"Operator {agencies[agency_index].name}",
                    "contact_email": agencies[agency_index].email,
                    "replicates": "SIPANDU, Kabupaten Banyuwangi" if group_kind == "replikasi" else "",
                    "declaration": status != InnovationStatus.DRAFT,
                    "status": status,
                    "submitted_at": submitted,
                    "entry_number": None if submitted is None else f"KOLABIK-2022-{i + 1:04d}",
                },
            )
            innovations.append(innovation)
            for question in innovation.group.questions.all():
                sentences = rng.sample(data.SECTION_SENTENCES, k=4)
                Answer.objects.get_or_create(
                    innovation=innovation, question=question, defaults={"text": " ".join(sentences)}
                )
            if status in {InnovationStatus.ELIGIBLE, InnovationStatus.INELIGIBLE, InnovationStatus.RETURNED}:
                reason = {
                    InnovationStatus.ELIGIBLE: "Dokumen lengkap dan sesuai ketentuan.",
                    InnovationStatus.INELIGIBLE: "Inovasi belum berjalan dua tahun sebelum pendaftaran ditutup.",
                    InnovationStatus.RETURNED: "SK tim inovasi belum ditandatangani; unggah ulang.",
                }[status]
                if not innovation.screenings.exists():
                    decision = ScreeningDecision.objects.create(
                        innovation=innovation,
                        outcome=ScreeningOutcome(status),
                        reason=reason,
                        decided_by=committee_user,
                    )
                    # Decided during the screening window, not at seeding time.
                    screening = stages[StageKind.SCREENING]
                    ScreeningDecision.objects.filter(pk=decision.pk).update(
                        decided_at=screening.opens_at + datetime.timedelta(hours=2 + i)
                    )
            if status != InnovationStatus.DRAFT:
                self.attach_documents(innovation, requirements)
            if status == InnovationStatus.ELIGIBLE:
                StageEntry.objects.get_or_create(innovation=innovation, stage=stages[StageKind.PROPOSAL])
                if innovation.stage_reached_id != stages[StageKind.PROPOSAL].pk:
                    innovation.stage_reached = stages[StageKind.PROPOSAL]
                    innovation.save(update_fields=["stage_reached"])

        self.seed_judging(competition, stages[StageKind.PROPOSAL], agencies, innovations, rng)
        return competition

    def attach_documents(self, innovation, requirements):
        """One small, valid PDF per required kind, so submitted demo entries are complete as the rules demand."""
        for requirement in requirements:
            if not requirement.required or innovation.attachments.filter(requirement=requirement).exists():
                continue
            data = demo_pdf(f"{requirement.name} - {innovation.title}")
            attachment = Attachment(
                innovation=innovation,
                requirement=requirement,
                original_name=f"{requirement.code}.pdf",
                content_type="application/pdf",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
            attachment.file.save(attachment.original_name, ContentFile(data), save=False)
            attachment.save()

    def seed_judging(self, competition, stage, agencies, innovations, rng):
        judges = []
        for username, name, affiliation in data.JUDGES:
            judge = self.user(username, name)
            PanelMember.objects.get_or_create(
                stage=stage,
                judge=judge,
                defaults={
                    "affiliation": affiliation,
                    # juri4 works for the city's inspectorate: own agency set so they never judge it.
                    "agency": agencies[17] if username == "juri4" else None,
                },
            )
            judges.append(judge)
        # Declared conflicts: juri4 advised Dinas Kesehatan; juri5 mentored one innovation.
        Conflict.objects.get_or_create(
            competition=competition,
            judge=judges[3],
            agency=agencies[0],
            defaults={"reason": "Pernah menjadi tenaga ahli Dinas Kesehatan pada 2021."},
        )
        Conflict.objects.get_or_create(
            competition=competition,
            judge=judges[4],
            innovation=innovations[7],
            defaults={"reason": "Menjadi pendamping penyusunan proposal inovasi ini."},
        )
        conflicts = {
            (c.judge_id, c.agency_id, c.innovation_id) for c in Conflict.objects.filter(competition=competition)
        }
        own_agency = {p.judge_id: p.agency_id for p in stage.panel.all()}

        def allowed(judge, innovation):
            return not (
                (judge.pk, innovation.agency_id, None) in conflicts
                or (judge.pk, None, innovation.pk) in conflicts
                or own_agency.get(judge.pk) == innovation.agency_id
            )

        criteria = list(stage.criteria.order_by("order"))
        entries = [i for i in innovations if i.status == InnovationStatus.ELIGIBLE]
        load = dict.fromkeys((j.pk for j in judges), 0)
        for innovation in entries:
            existing = list(Assignment.objects.filter(stage=stage, innovation=innovation))
            chosen = [a.judge_id for a in existing]
            # Least-loaded judges first, ties by username, so the demo's panel loads stay within one of each other.
            for judge in sorted(judges, key=lambda j: (load[j.pk], j.username)):
                if len(chosen) >= JUDGES_PER_INNOVATION:
                    break
                if judge.pk not in chosen and allowed(judge, innovation):
                    Assignment.objects.create(stage=stage, judge=judge, innovation=innovation)
                    chosen.append(judge.pk)
            for judge_id in chosen:
                load[judge_id] += 1

        # Scoring progress: juri1 has finished, juri2 is half way, juri3 has drafts, juri4 and juri5 have started.
        quota = {"juri1": 1.0, "juri2": 0.5, "juri3": 0.25, "juri4": 0.2, "juri5": 0.1}
        for judge in judges:
            assignments = list(
                Assignment.objects.filter(stage=stage, judge=judge)
                .select_related("innovation")
                .order_by("innovation__title")
            )
            submit_upto = int(len(assignments) * quota[judge.username])
            for n, assignment in enumerate(assignments):
                if hasattr(assignment, "sheet"):
                    continue
                if n >= submit_upto + (2 if judge.username == "juri3" else 0):
                    continue
                quality = rng.randint(55, 92)
                scores = {c.pk: str(min(100, max(0, quality + rng.randint(-12, 12)))) for c in criteria}
                # Through the judging services, as a judge's browser would: totals and audit events come out right.
                sheet = judging_services.sheet_for(assignment)
                sheet = judging_services.save_sheet(
                    sheet=sheet,
                    scores=scores,
                    comment="Proposal jelas; perkuat data dampak.",
                    version=None,
                    actor=judge,
                )
                if n < submit_upto:
                    judging_services.submit_sheet(sheet=sheet, actor=judge)

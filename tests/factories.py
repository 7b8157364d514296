"""factory_boy factories for every model; apps add their own beside their tests when they need more."""

import datetime
import hashlib
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from awards import models as awards
from competitions import models as competitions
from competitions.enums import GroupKind, StageKind
from judging import models as judging
from submissions import models as submissions
from submissions.enums import AgencyKind, InnovationStatus

PASSWORD = "Rahasia-Demo-2024"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.go.id")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = competitions.Region
        django_get_or_create = ["name", "kind"]

    name = factory.Sequence(lambda n: f"Kota Contoh {n}")
    kind = "city"


class CompetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = competitions.Competition

    name = factory.Sequence(lambda n: f"Kompetisi Inovasi {n}")
    slug = factory.Sequence(lambda n: f"kompetisi-{n}")
    year = 2026
    organiser = "Bagian Organisasi Setda Kota Contoh"
    signatory_name = "Drs. Budi Santoso, M.Si."
    signatory_title = "Sekretaris Daerah"


class CommitteeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = competitions.CommitteeMember

    competition = factory.SubFactory(CompetitionFactory)
    user = factory.SubFactory(UserFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = competitions.Category

    competition = factory.SubFactory(CompetitionFactory)
    name = factory.Sequence(lambda n: f"Kategori {n}")


class EntryGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = competitions.EntryGroup
        django_get_or_create = ["competition", "kind"]

    competition = factory.SubFactory(CompetitionFactory)
    kind = GroupKind.GENERAL
    min_implementation_months = 24
    entry_cap_per_agency = 3


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = competitions.Stage

    competition = factory.SubFactory(CompetitionFactory)
    order = factory.Sequence(lambda n: n + 1)
    kind = StageKind.PROPOSAL
    name = factory.LazyAttribute(lambda s: StageKind(s.kind).label)
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    judges_per_innovation = 3


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = competitions.Question

    group = factory.SubFactory(EntryGroupFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Bagian {n}")
    word_limit = 300
    required = True


class AttachmentRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = competitions.AttachmentRequirement

    competition = factory.SubFactory(CompetitionFactory)
    code = factory.Sequence(lambda n: f"lampiran-{n}")
    name = factory.Sequence(lambda n: f"Lampiran {n}")


class LocalAdminFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = submissions.LocalAdmin

    user = factory.SubFactory(UserFactory)
    region = factory.SubFactory(RegionFactory)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = submissions.Agency

    name = factory.Sequence(lambda n: f"Dinas Contoh {n}")
    kind = AgencyKind.OPD
    region = factory.SubFactory(RegionFactory)
    email = factory.Sequence(lambda n: f"dinas{n}@example.go.id")


class AgencyMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = submissions.AgencyMembership

    agency = factory.SubFactory(AgencyFactory)
    user = factory.SubFactory(UserFactory)


class InnovationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = submissions.Innovation

    competition = factory.SubFactory(CompetitionFactory)
    group = factory.SubFactory(EntryGroupFactory, competition=factory.SelfAttribute("..competition"))
    category = factory.SubFactory(CategoryFactory, competition=factory.SelfAttribute("..competition"))
    agency = factory.SubFactory(AgencyFactory)
    title = factory.Sequence(lambda n: f"Inovasi Layanan {n}")
    start_date = datetime.date(2021, 1, 4)
    status = InnovationStatus.DRAFT

    @factory.lazy_attribute
    def submitted_at(self):
        return None if self.status == InnovationStatus.DRAFT else timezone.now()


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A stored attachment whose file holds `content`, its size and digest computed from it."""

    class Meta:
        model = submissions.Attachment

    class Params:
        content = b"%PDF-1.4\n%%EOF\n"

    innovation = factory.SubFactory(InnovationFactory)
    requirement = factory.SubFactory(
        AttachmentRequirementFactory, competition=factory.SelfAttribute("..innovation.competition")
    )
    original_name = "Lampiran.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name="lampiran.pdf"))


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = submissions.Answer

    innovation = factory.SubFactory(InnovationFactory)
    question = factory.SubFactory(QuestionFactory)
    text = "Uraian singkat inovasi."


class StageEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = submissions.StageEntry

    innovation = factory.SubFactory(InnovationFactory)
    stage = factory.SubFactory(StageFactory, competition=factory.SelfAttribute("..innovation.competition"))


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = judging.Criterion

    stage = factory.SubFactory(StageFactory)
    order = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"kriteria-{n}")
    name = factory.Sequence(lambda n: f"Kriteria {n}")
    weight = Decimal(10)
    min_score = Decimal(0)
    max_score = Decimal(100)
    step = Decimal(1)


class PanelMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = judging.PanelMember

    stage = factory.SubFactory(StageFactory)
    judge = factory.SubFactory(UserFactory)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = judging.Assignment

    stage = factory.SubFactory(StageFactory)
    judge = factory.SubFactory(UserFactory)
    innovation = factory.SubFactory(InnovationFactory, competition=factory.SelfAttribute("..stage.competition"))


class ScoreSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = judging.ScoreSheet

    assignment = factory.SubFactory(AssignmentFactory)


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = awards.Certificate

    competition = factory.SubFactory(CompetitionFactory)
    kind = "participation"
    innovation = factory.SubFactory(InnovationFactory, competition=factory.SelfAttribute("..competition"))
    holder = factory.LazyAttribute(lambda c: c.innovation.agency.name)
    serial = factory.Sequence(lambda n: f"KVB-2026-{n:05d}")
    code = factory.Sequence(lambda n: f"code{n:08d}")

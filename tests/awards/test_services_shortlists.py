from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from awards.models import Objection, ShortlistRow, ShortlistSnapshot
from awards.services import shortlists as service
from submissions.models import StageEntry
from tests import factories as f


def listed_titles(snapshot):
    return [r.innovation.title for r in snapshot.rows.filter(listed=True).select_related("innovation")]


def test_publish_freezes_the_ranking_at_publication_time(
    proposal_stage, presentation_stage, committee, ranked, run_on_commit
):
    preview = service.preview_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2})

    snapshot = run_on_commit(
        service.publish_shortlist,
        stage=proposal_stage,
        rule="top_n",
        params={"n": 2},
        actor=committee,
        expected_digest=preview.digest,
    )

    rows = list(snapshot.rows.order_by("rank").values_list("innovation__title", "rank", "score", "listed"))
    assert rows == [
        ("Antrean Online", 1, Decimal("90.0000"), True),
        ("Data Sekolah", 2, Decimal("85.0000"), True),
        ("Bidan Siaga", 3, Decimal("80.0000"), False),
        ("Cek Gizi", 4, Decimal("70.0000"), False),
    ]
    assert snapshot.cutoff_score == Decimal("85.0000")
    assert snapshot.content_hash == service.compute_hash(snapshot)
    assert snapshot.advanced_at is not None
    entered = set(StageEntry.objects.filter(stage=presentation_stage).values_list("innovation__title", flat=True))
    assert entered == {"Antrean Online", "Data Sekolah"}


def test_later_score_changes_do_not_alter_the_published_list(proposal_stage, committee, ranked, score):
    snapshot = service.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee)
    digest = snapshot.content_hash
    score(f.InnovationFactory(competition=proposal_stage.competition, status="eligible", title="Baru"), 99, 99)
    from judging.models import ScoreSheet

    ScoreSheet.objects.filter(assignment__innovation=ranked["c"]).update(total=Decimal("100"))

    snapshot.refresh_from_db()
    assert listed_titles(snapshot) == ["Antrean Online", "Data Sekolah"]
    assert service.compute_hash(snapshot) == digest == snapshot.content_hash


def test_publish_refuses_a_ranking_changed_since_the_preview(proposal_stage, committee, ranked):
    preview = service.preview_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2})
    from judging.models import ScoreSheet

    ScoreSheet.objects.filter(assignment__innovation=ranked["b"]).update(total=Decimal("95"))
    from judging import tallies

    tallies.rebuild(proposal_stage)  # a bulk update bypasses the model saves that keep tallies current

    with pytest.raises(ValidationError):
        service.publish_shortlist(
            stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, expected_digest=preview.digest
        )
    assert not ShortlistSnapshot.objects.exists()


def test_override_without_a_reason_is_refused(proposal_stage, committee, ranked):
    with pytest.raises(ValidationError):
        service.publish_shortlist(
            stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, overrides={ranked["b"].pk: " "}
        )
    assert not ShortlistSnapshot.objects.exists()


def test_override_with_reason_adds_the_entry_and_records_why(proposal_stage, committee, ranked):
    snapshot = service.publish_shortlist(
        stage=proposal_stage,
        rule="top_n",
        params={"n": 2},
        actor=committee,
        overrides={ranked["c"].pk: "Wilayah 3T", ranked["d"].pk: "Data tidak sah"},
    )

    assert listed_titles(snapshot) == ["Antrean Online", "Cek Gizi"]
    assert snapshot.rows.get(innovation=ranked["c"]).override_reason == "Wilayah 3T"
    assert snapshot.rows.get(innovation=ranked["d"]).override_reason == "Data tidak sah"


def test_hash_changes_if_any_listed_value_changes(proposal_stage, committee, ranked):
    snapshot = service.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee)
    original = snapshot.content_hash

    for field, value in [("score", Decimal("89.9999")), ("listed", False), ("rank", 9), ("override_reason", "x")]:
        row = snapshot.rows.get(innovation=ranked["a"])
        old = getattr(row, field)
        ShortlistRow.objects.filter(pk=row.pk).update(**{field: value})
        assert service.compute_hash(snapshot) != original, field
        ShortlistRow.objects.filter(pk=row.pk).update(**{field: old})
    assert service.compute_hash(snapshot) == original


def test_quotas_per_category_are_respected(proposal_stage, committee, ranked, competition):
    health, school = ranked["a"].category, ranked["d"].category

    snapshot = service.publish_shortlist(
        stage=proposal_stage,
        rule="quota",
        params={"by": "category", "quotas": {str(health.pk): 2, str(school.pk): 1}},
        actor=committee,
    )

    assert listed_titles(snapshot) == ["Antrean Online", "Data Sekolah", "Bidan Siaga"]
    assert snapshot.cutoff_score == Decimal("80.0000")


def test_pass_mark_lists_entries_at_or_above(proposal_stage, committee, ranked):
    snapshot = service.publish_shortlist(
        stage=proposal_stage, rule="pass_mark", params={"pass_mark": "80"}, actor=committee
    )

    assert listed_titles(snapshot) == ["Antrean Online", "Data Sekolah", "Bidan Siaga"]


def test_a_second_publication_needs_a_reason_and_supersedes_keeping_both(proposal_stage, committee, ranked):
    first = service.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 1}, actor=committee)
    with pytest.raises(ValidationError):
        service.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee)

    second = service.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, correction_reason="Salah hitung"
    )

    first.refresh_from_db()
    assert second.supersedes == first
    assert not first.is_current and second.is_current
    assert listed_titles(first) == ["Antrean Online"]
    assert listed_titles(second) == ["Antrean Online", "Data Sekolah"]
    assert first.content_hash == service.compute_hash(first)


def test_publication_emails_every_agency_with_its_outcome(proposal_stage, committee, ranked, run_on_commit):
    run_on_commit(service.publish_shortlist, stage=proposal_stage, rule="top_n", params={"n": 1}, actor=committee)

    assert len(mail.outbox) == 2
    by_agency = {m.to[0]: m for m in mail.outbox}
    health = by_agency[ranked["a"].agency.email]
    assert "Antrean Online" in health.body and "Cek Gizi" in health.body
    assert "masuk daftar" in health.body.lower() or "on the list" in health.body
    assert health.alternatives and "Antrean Online" in health.alternatives[0][0]


def test_objection_window_blocks_advancing_until_closed_and_answered(
    proposal_stage, presentation_stage, committee, ranked, run_on_commit
):
    snapshot = service.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, objection_days=5
    )
    assert not StageEntry.objects.filter(stage=presentation_stage).exists()
    objection = service.file_objection(
        snapshot=snapshot, innovation=ranked["a"], name="Warga", email="warga@example.id", reason="Data ganda"
    )

    ShortlistSnapshot.objects.filter(pk=snapshot.pk).update(objections_until=timezone.now() - timedelta(minutes=1))
    snapshot.refresh_from_db()
    with pytest.raises(ValidationError):
        service.advance_stage(snapshot=snapshot, actor=committee)  # the objection is unanswered
    run_on_commit(service.answer_objection, objection=objection, answer="Sudah diperiksa", actor=committee)
    service.advance_stage(snapshot=snapshot, actor=committee)

    assert StageEntry.objects.filter(stage=presentation_stage).count() == 2
    assert Objection.objects.get().answered_by == committee
    assert mail.outbox[-1].to == ["warga@example.id"] and "Sudah diperiksa" in mail.outbox[-1].body


def test_advance_refused_while_the_window_is_open(proposal_stage, committee, ranked):
    snapshot = service.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, objection_days=5
    )

    with pytest.raises(ValidationError):
        service.advance_stage(snapshot=snapshot, actor=committee)


def test_objection_after_the_window_is_refused(proposal_stage, committee, ranked):
    snapshot = service.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee)

    with pytest.raises(ValidationError):
        service.file_objection(snapshot=snapshot, innovation=ranked["a"], name="X", email="x@example.id", reason="r")


def test_quotas_per_region_are_respected(proposal_stage, committee, ranked, agency, other_agency):
    snapshot = service.publish_shortlist(
        stage=proposal_stage,
        rule="quota",
        params={"by": "region", "quotas": {str(agency.region_id): 1, str(other_agency.region_id): 1}},
        actor=committee,
    )

    # A (90) is the best of the agency's region, D (85) the best of the other region.
    assert listed_titles(snapshot) == ["Antrean Online", "Data Sekolah"]
    assert snapshot.rule_params["by"] == "region"


def test_publish_refuses_an_empty_list(proposal_stage, committee, ranked):
    with pytest.raises(ValidationError) as error:
        service.publish_shortlist(stage=proposal_stage, rule="pass_mark", params={"pass_mark": "99"}, actor=committee)

    assert "Daftar kosong" in str(error.value)
    assert not ShortlistSnapshot.objects.exists()


def test_publish_refuses_listed_entries_with_too_few_sheets_unless_confirmed(
    proposal_stage, committee, ranked, score, competition
):
    score(f.InnovationFactory(competition=competition, status="eligible", title="Satu Juri"), 95)  # min_sheets is 2

    with pytest.raises(ValidationError):
        service.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee)
    assert not ShortlistSnapshot.objects.exists()

    snapshot = service.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, confirm_incomplete=True
    )
    flagged = {r.innovation.title: r.few_sheets for r in snapshot.rows.select_related("innovation")}
    assert flagged == {
        "Satu Juri": True,
        "Antrean Online": False,
        "Data Sekolah": False,
        "Bidan Siaga": False,
        "Cek Gizi": False,
    }


def test_publish_refuses_while_the_stage_window_is_open_unless_confirmed(open_stage, committee, ranked):
    preview = service.preview_shortlist(stage=open_stage, rule="top_n", params={"n": 2})
    assert preview.stage_open and preview.few_sheets_count == 0 and preview.needs_confirmation

    with pytest.raises(ValidationError):
        service.publish_shortlist(stage=open_stage, rule="top_n", params={"n": 2}, actor=committee)

    snapshot = service.publish_shortlist(
        stage=open_stage, rule="top_n", params={"n": 2}, actor=committee, confirm_incomplete=True
    )
    assert listed_titles(snapshot) == ["Antrean Online", "Data Sekolah"]


def test_preview_counts_few_sheets_only_on_the_list_or_near_the_cutoff(proposal_stage, ranked, score, competition):
    score(f.InnovationFactory(competition=competition, status="eligible", title="Dekat"), 83)  # cut-off 85: near
    score(f.InnovationFactory(competition=competition, status="eligible", title="Jauh"), 40)  # far below
    f.StageEntryFactory(
        innovation=f.InnovationFactory(competition=competition, status="eligible", title="Belum Dinilai"),
        stage=proposal_stage,
    )  # no sheet at all: no score, could be anywhere

    preview = service.preview_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2})

    assert preview.listed_count == 2 and not preview.stage_open
    assert preview.few_sheets_count == 2
    assert preview.needs_confirmation


def test_preview_of_complete_judging_after_the_window_needs_no_confirmation(proposal_stage, ranked):
    preview = service.preview_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2})

    assert preview.few_sheets_count == 0 and not preview.stage_open and not preview.needs_confirmation


def test_hash_covers_the_few_sheets_flag(proposal_stage, committee, ranked):
    snapshot = service.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee)
    row = snapshot.rows.get(innovation=ranked["a"])

    ShortlistRow.objects.filter(pk=row.pk).update(few_sheets=True)

    assert service.compute_hash(snapshot) != snapshot.content_hash


def test_describe_rule_reads_as_a_sentence(ranked):
    health, school = ranked["a"].category, ranked["d"].category

    assert service.describe_rule("top_n", {"n": 20}) == "20 Teratas"
    assert service.describe_rule("pass_mark", {"pass_mark": "85.00"}) == "nilai batas lulus 85"
    assert service.describe_rule("pass_mark", {"pass_mark": "100.00"}) == "nilai batas lulus 100"
    assert service.describe_rule("pass_mark", {"pass_mark": "72.50"}) == "nilai batas lulus 72,5"
    quota = service.describe_rule("quota", {"by": "category", "quotas": {str(health.pk): 2, str(school.pk): 1}})
    assert quota.startswith("kuota per kategori: ") and "Kesehatan 2" in quota and "Pendidikan 1" in quota


def test_a_correction_takes_what_it_no_longer_lists_out_of_the_next_stage(
    proposal_stage, presentation_stage, committee, ranked
):
    from judging.models import Assignment
    from judging.ranking import rank_stage

    service.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee)
    dropped = ranked["d"]  # Data Sekolah, listed second
    judge = f.UserFactory()
    assignment = f.AssignmentFactory(stage=presentation_stage, judge=judge, innovation=dropped)
    f.ScoreSheetFactory(assignment=assignment, status="submitted", total=Decimal("99"), submitted_at=timezone.now())
    dropped.refresh_from_db()
    assert dropped.stage_reached == presentation_stage

    service.publish_shortlist(
        stage=proposal_stage,
        rule="top_n",
        params={"n": 2},
        overrides={dropped.pk: "Tidak memenuhi syarat", ranked["b"].pk: "Menggantikan"},
        actor=committee,
        correction_reason="Data Sekolah tidak memenuhi syarat",
    )

    entered = set(StageEntry.objects.filter(stage=presentation_stage).values_list("innovation__title", flat=True))
    assert entered == {"Antrean Online", "Bidan Siaga"}
    dropped.refresh_from_db()
    assert dropped.stage_reached == proposal_stage
    assignment.refresh_from_db()
    assert assignment.released_at is not None and "Evaluasi Proposal" in assignment.released_reason
    assert Assignment.objects.filter(pk=assignment.pk).exists()  # kept for the audit
    assert dropped.pk not in {e.innovation_id for e in rank_stage(presentation_stage)}

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judging import services
from judging.enums import SheetAction, SheetStatus
from judging.models import Assignment, Conflict, PanelMember, SheetEvent
from tests import factories as f
from tests.judging.builders import make_entries, make_rubric, score


def active(stage):
    return Assignment.objects.filter(stage=stage, released_at__isnull=True)


def judges_of(stage, innovation):
    return set(active(stage).filter(innovation=innovation).values_list("judge_id", flat=True))


@pytest.fixture
def panel(proposal_stage, agency, other_agency):
    proposal_stage.judges_per_innovation = 2
    proposal_stage.save()
    members = [
        f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory(username=f"juri{i}"), agency=a)
        for i, a in enumerate([agency, other_agency, None, None])
    ]
    return [m.judge for m in members]


def test_auto_assign_gives_k_judges_and_never_own_agency(proposal_stage, panel, agency, other_agency):
    mine = make_entries(proposal_stage, 3, agency=agency)
    theirs = make_entries(proposal_stage, 3, agency=other_agency)
    result = services.auto_assign(stage=proposal_stage, actor=panel[0])
    assert result.shortfalls == []
    for innovation in mine + theirs:
        assert len(judges_of(proposal_stage, innovation)) == 2
    for innovation in mine:
        assert panel[0].pk not in judges_of(proposal_stage, innovation)
    for innovation in theirs:
        assert panel[1].pk not in judges_of(proposal_stage, innovation)
    loads = [active(proposal_stage).filter(judge=j).count() for j in panel]
    assert max(loads) - min(loads) <= 1


def test_auto_assign_rerun_keeps_started_and_submitted_sheets(proposal_stage, panel):
    make_rubric(proposal_stage, [(1, 10)])
    innovations = make_entries(proposal_stage, 4)
    services.auto_assign(stage=proposal_stage, actor=panel[0])
    first = active(proposal_stage).order_by("pk").first()
    sheet = score(proposal_stage, first.judge, first.innovation, [7])
    services.auto_assign(stage=proposal_stage, actor=panel[0])
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    assert Assignment.objects.get(pk=first.pk).released_at is None
    for innovation in innovations:
        assert len(judges_of(proposal_stage, innovation)) == 2


def test_auto_assign_is_deterministic(proposal_stage, panel):
    make_entries(proposal_stage, 5)
    services.auto_assign(stage=proposal_stage, actor=panel[0])
    first = set(active(proposal_stage).values_list("judge_id", "innovation_id"))
    services.auto_assign(stage=proposal_stage, actor=panel[0])
    assert set(active(proposal_stage).values_list("judge_id", "innovation_id")) == first


def test_declare_conflict_releases_and_reassigns_keeping_k(proposal_stage, panel):
    make_rubric(proposal_stage, [(1, 10)])
    innovations = make_entries(proposal_stage, 4)
    services.auto_assign(stage=proposal_stage, actor=panel[0])
    target = innovations[0]
    judge = active(proposal_stage).filter(innovation=target).order_by("judge_id").first().judge
    score(proposal_stage, judge, target, [9])  # even a submitted sheet stops counting once conflicted
    services.declare_conflict(
        competition=proposal_stage.competition, judge=judge, innovation=target, reason="Saudara kandung", actor=judge
    )
    assert judge.pk not in judges_of(proposal_stage, target)
    assert len(judges_of(proposal_stage, target)) == 2
    released = Assignment.objects.get(stage=proposal_stage, judge=judge, innovation=target)
    assert released.released_at is not None and "Saudara kandung" in released.released_reason
    assert Conflict.objects.filter(judge=judge, innovation=target).exists()


def test_withdraw_judge_keeps_k_and_submitted_sheets(proposal_stage, panel):
    make_rubric(proposal_stage, [(1, 10)])
    innovations = make_entries(proposal_stage, 4)
    services.auto_assign(stage=proposal_stage, actor=panel[0])
    leaving = panel[3]
    done = active(proposal_stage).filter(judge=leaving).order_by("pk").first()
    score(proposal_stage, leaving, done.innovation, [5])
    member = PanelMember.objects.get(stage=proposal_stage, judge=leaving)
    services.withdraw_judge(member=member, reason="Sakit", actor=panel[0])
    assert active(proposal_stage).filter(judge=leaving).count() == 1  # only the submitted one stays
    for innovation in innovations:
        assert len(judges_of(proposal_stage, innovation) - {leaving.pk}) >= 2 or done.innovation == innovation


def test_auto_assign_reports_why_k_cannot_be_met(proposal_stage, agency):
    proposal_stage.judges_per_innovation = 2
    proposal_stage.save()
    f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory(), agency=agency)
    f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory())
    (innovation,) = make_entries(proposal_stage, 1, agency=agency)
    result = services.auto_assign(stage=proposal_stage, actor=None)
    (short,) = result.shortfalls
    assert short.innovation == innovation and short.missing == 1
    assert short.eligible == 1 and short.excluded == {"own_agency": 1}
    with translation.override("en"):
        assert short.reason == "Only 1 eligible judge(s) on the panel; 1 excluded: from the judge's own agency."


def test_manual_assignment_refuses_a_conflict(proposal_stage, conflicted_judge, agency):
    (innovation,) = make_entries(proposal_stage, 1, agency=agency)
    with pytest.raises(ValidationError):
        services.assign_manually(stage=proposal_stage, judge=conflicted_judge, innovation=innovation, actor=None)


def test_same_region_excluded_when_the_stage_says_so(proposal_stage, agency, region):
    proposal_stage.exclude_same_region = True
    proposal_stage.judges_per_innovation = 1
    proposal_stage.save()
    local = f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory(), region=region).judge
    outside = f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory()).judge
    (innovation,) = make_entries(proposal_stage, 1, agency=agency)
    services.auto_assign(stage=proposal_stage, actor=None)
    assert judges_of(proposal_stage, innovation) == {outside.pk}
    assert local.pk not in judges_of(proposal_stage, innovation)


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    n_judges=st.integers(2, 5),
    n_innovations=st.integers(1, 8),
    k=st.integers(1, 3),
    conflicts=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 7)), max_size=5),
    submit=st.lists(st.integers(0, 30), max_size=4),
    late=st.tuples(st.integers(0, 4), st.integers(0, 7)),
)
def test_assignment_invariants_survive_conflicts_and_reruns(n_judges, n_innovations, k, conflicts, submit, late):
    with transaction.atomic():
        stage = f.StageFactory(kind="proposal", judges_per_innovation=k)
        make_rubric(stage, [(1, 10)])
        agencies = [f.AgencyFactory() for _ in range(3)]
        innovations = [make_entries(stage, 1, agency=agencies[i % 3])[0] for i in range(n_innovations)]
        judges = [
            f.PanelMemberFactory(stage=stage, judge=f.UserFactory(), agency=agencies[j % 3] if j < 3 else None).judge
            for j in range(n_judges)
        ]
        for j, i in conflicts:
            if j < n_judges and i < n_innovations:
                Conflict.objects.get_or_create(
                    competition=stage.competition, judge=judges[j], innovation=innovations[i], defaults={"reason": "x"}
                )
        services.auto_assign(stage=stage, actor=None)
        assignments = list(active(stage).order_by("pk"))
        submitted = set()
        for n in submit:
            if n < len(assignments):
                a = assignments[n]
                if a.pk not in submitted:
                    score(stage, a.judge, a.innovation, [3])
                    submitted.add(a.pk)
        services.auto_assign(stage=stage, actor=None)  # a re-run keeps the submitted sheets
        assert set(active(stage).filter(pk__in=submitted).values_list("pk", flat=True)) == submitted
        j, i = late
        if j < n_judges and i < n_innovations:
            services.declare_conflict(
                competition=stage.competition, judge=judges[j], innovation=innovations[i], reason="late", actor=None
            )
        conflicted = set(
            Conflict.objects.filter(competition=stage.competition).values_list("judge_id", "innovation_id")
        )
        for a in active(stage).select_related("innovation"):
            assert (a.judge_id, a.innovation_id) not in conflicted
            member = PanelMember.objects.get(stage=stage, judge=a.judge)
            assert member.agency_id != a.innovation.agency_id
        for innovation in innovations:
            eligible = [
                m
                for m in PanelMember.objects.filter(stage=stage)
                if m.agency_id != innovation.agency_id and (m.judge_id, innovation.pk) not in conflicted
            ]
            assert len(judges_of(stage, innovation)) >= min(k, len(eligible))
        transaction.set_rollback(True)


def test_save_sheet_with_a_stale_version_is_refused(proposal_stage, judge):
    make_rubric(proposal_stage, [(1, 10)])
    (innovation,) = make_entries(proposal_stage, 1)
    assignment = f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=innovation)
    sheet = services.sheet_for(assignment)
    criterion = proposal_stage.criteria.get()
    services.save_sheet(sheet=sheet, scores={criterion.pk: "4"}, comment="a", version=0, actor=judge)
    with pytest.raises(services.StaleSheet):
        services.save_sheet(sheet=sheet, scores={criterion.pk: "6"}, comment="b", version=0, actor=judge)
    sheet.refresh_from_db()
    assert sheet.version == 1 and sheet.comment == "a"
    assert sheet.scores.get().value == Decimal(4)


def test_submit_locks_and_reopen_needs_a_reason(proposal_stage, judge, committee):
    make_rubric(proposal_stage, [(1, 10)])
    (innovation,) = make_entries(proposal_stage, 1)
    sheet = score(proposal_stage, judge, innovation, [8])
    assert sheet.total == Decimal("80.0000")
    with pytest.raises(services.SheetLocked):
        services.save_sheet(sheet=sheet, scores={}, comment="x", version=None, actor=judge)
    with pytest.raises(ValidationError):
        services.reopen_sheet(sheet=sheet, reason=" ", actor=committee)
    services.reopen_sheet(sheet=sheet, reason="Salah ketik", actor=committee)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.REOPENED and sheet.total is None
    actions = list(SheetEvent.objects.filter(sheet=sheet).order_by("pk").values_list("action", flat=True))
    assert actions == [SheetAction.SAVE, SheetAction.SUBMIT, SheetAction.REOPEN]
    reopen = SheetEvent.objects.get(sheet=sheet, action=SheetAction.REOPEN)
    assert reopen.before["total"] == "80.0000" and reopen.after["total"] is None and reopen.actor == committee


def test_score_outside_scale_or_step_is_refused(proposal_stage, judge):
    make_rubric(proposal_stage, [(1, 10, "0.5")])
    (innovation,) = make_entries(proposal_stage, 1)
    sheet = services.sheet_for(f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=innovation))
    criterion = proposal_stage.criteria.get()
    for bad in ["11", "-1", "2.25", "abc"]:
        with pytest.raises(ValidationError):
            services.save_sheet(sheet=sheet, scores={criterion.pk: bad}, comment="", version=None, actor=judge)
    services.save_sheet(sheet=sheet, scores={criterion.pk: "7,5"}, comment="", version=None, actor=judge)
    assert sheet.scores.get().value == Decimal("7.5")


def test_add_panel_member_invites_a_new_judge_by_email(
    proposal_stage, committee, agency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member = services.add_panel_member(
            stage=proposal_stage,
            actor=committee,
            email="Prof.Sari@Univ.ac.id",
            name="Sari Dewi",
            agency=agency,
            base_url="http://testserver",
        )
    assert member.judge.email == "prof.sari@univ.ac.id" and not member.judge.has_usable_password()
    assert member.agency == agency
    (message,) = mail.outbox
    assert message.to == ["prof.sari@univ.ac.id"]
    assert "http://testserver/accounts/reset/" in message.body


def test_send_reminders_mails_only_judges_with_open_sheets(proposal_stage, django_capture_on_commit_callbacks):
    make_rubric(proposal_stage, [(1, 10)])
    a, b = make_entries(proposal_stage, 2)
    busy = f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory(email="busy@example.go.id")).judge
    done = f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory(email="done@example.go.id")).judge
    f.AssignmentFactory(stage=proposal_stage, judge=busy, innovation=a)
    score(proposal_stage, done, b, [5])
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_reminders(stage=proposal_stage, actor=None, base_url="http://testserver")
    assert sent == 1
    assert [m.to for m in mail.outbox] == [["busy@example.go.id"]]


def test_apply_preset_creates_national_2023_weights(proposal_stage):
    services.apply_preset(stage=proposal_stage, actor=None)
    weights = dict(proposal_stage.criteria.values_list("code", "weight"))
    assert weights == {
        "background": 10,
        "novelty": 15,
        "implementation": 5,
        "significance": 30,
        "adaptability": 20,
        "resources": 5,
        "sustainability": 15,
    }


def test_copy_rubric_copies_criteria_and_levels(competition, proposal_stage):
    from judging.models import CriterionLevel

    (criterion,) = make_rubric(proposal_stage, [(3, 5)])
    CriterionLevel.objects.create(criterion=criterion, score=5, descriptor="Sangat baik")
    target = f.StageFactory(competition=competition, order=5, kind="presentation")
    services.copy_rubric(source=proposal_stage, target=target, actor=None)
    copy = target.criteria.get()
    assert (copy.weight, copy.max_score) == (Decimal(3), Decimal(5))
    assert copy.levels.get().descriptor == "Sangat baik"


def test_rerun_keeps_manual_assignments(proposal_stage, panel):
    proposal_stage.judges_per_innovation = 1
    proposal_stage.save()
    (innovation,) = make_entries(proposal_stage, 1)
    chosen = panel[3]
    services.assign_manually(stage=proposal_stage, judge=chosen, innovation=innovation, actor=panel[0])
    services.auto_assign(stage=proposal_stage, actor=panel[0])
    assert judges_of(proposal_stage, innovation) == {chosen.pk}


def test_auto_assign_query_count_is_the_same_with_2_and_8_innovations(proposal_stage, panel):
    counts = []
    for n in (2, 8):
        Assignment.objects.filter(stage=proposal_stage).delete()
        make_entries(proposal_stage, n - proposal_stage.entries.count())
        with CaptureQueriesContext(connection) as captured:
            services.auto_assign(stage=proposal_stage, actor=panel[0])
        counts.append(len(captured))
        assert active(proposal_stage).count() == 2 * n
    assert counts[0] == counts[1]


def test_auto_assign_restores_a_released_pair_in_place(proposal_stage, panel, committee):
    proposal_stage.judges_per_innovation = 4
    proposal_stage.save()
    (innovation,) = make_entries(proposal_stage, 1)
    services.auto_assign(stage=proposal_stage, actor=panel[0])
    assignment = active(proposal_stage).get(judge=panel[3])
    services.release_assignment(assignment=assignment, reason="Salah pilih", actor=committee)
    result = services.auto_assign(stage=proposal_stage, actor=committee)
    assert result.created == 4  # the unstarted three are made anew, the released pair restored
    restored = Assignment.objects.get(stage=proposal_stage, judge=panel[3])  # the same row, active again
    assert (restored.pk, restored.released_at, restored.assigned_by) == (assignment.pk, None, committee)
    assert judges_of(proposal_stage, innovation) == {j.pk for j in panel}


def test_auto_assign_keeps_a_pair_assigned_by_hand_meanwhile(proposal_stage, panel, monkeypatch):
    """assign_manually may add a planned pair between the plan and the insert: the run completes, one row per pair."""
    from judging.services import panels as panel_services

    (innovation,) = make_entries(proposal_stage, 1)
    real_plan = panel_services.plan_assignment

    def plan_then_assigned_by_hand(*args, **kwargs):
        plan = real_plan(*args, **kwargs)
        judge_id = plan.new[innovation.pk][0]
        Assignment.objects.create(stage=proposal_stage, judge_id=judge_id, innovation=innovation, is_manual=True)
        return plan

    monkeypatch.setattr(panel_services, "plan_assignment", plan_then_assigned_by_hand)
    services.auto_assign(stage=proposal_stage, actor=panel[0])
    assert active(proposal_stage).filter(innovation=innovation).count() == proposal_stage.judges_per_innovation
    assert active(proposal_stage).filter(innovation=innovation, is_manual=True).count() == 1

import pytest
from django.core.exceptions import ValidationError

from awards.models import Award, WinnersRelease
from awards.services import ceremony, shortlists, winners
from tests import factories as f


def test_assign_award_refuses_a_taken_place(competition, committee, ranked):
    category = ranked["a"].category
    winners.assign_award(
        competition=competition, innovation=ranked["a"], place="juara_1", category=category, actor=committee
    )

    with pytest.raises(ValidationError):
        winners.assign_award(
            competition=competition, innovation=ranked["b"], place="juara_1", category=category, actor=committee
        )
    assert Award.objects.count() == 1


def test_special_award_needs_a_title(competition, committee, ranked):
    with pytest.raises(ValidationError):
        winners.assign_award(competition=competition, innovation=ranked["a"], place="special", actor=committee)


def test_award_for_another_competitions_entry_is_refused(competition, committee):
    stranger = f.InnovationFactory(status="eligible")

    with pytest.raises(ValidationError):
        winners.assign_award(competition=competition, innovation=stranger, place="juara_1", actor=committee)


def test_published_winners_are_final(competition, committee, ranked):
    award = winners.assign_award(competition=competition, innovation=ranked["a"], place="juara_1", actor=committee)
    winners.publish_winners(competition=competition, actor=committee)

    with pytest.raises(ValidationError):
        winners.assign_award(competition=competition, innovation=ranked["b"], place="juara_2", actor=committee)
    with pytest.raises(ValidationError):
        winners.remove_award(award=award, actor=committee)
    with pytest.raises(ValidationError):
        winners.publish_winners(competition=competition, actor=committee)
    assert WinnersRelease.objects.count() == 1


def test_ceremony_slides_reveal_from_the_lowest_place(competition, committee, ranked, proposal_stage):
    shortlists.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 4}, actor=committee)
    category = ranked["a"].category
    for key, place in [("a", "juara_1"), ("c", "harapan_1"), ("b", "juara_2")]:
        winners.assign_award(
            competition=competition, innovation=ranked[key], place=place, category=category, actor=committee
        )

    slides = ceremony.ceremony_slides(competition, category)

    assert [s["title"] for s in slides] == ["Cek Gizi", "Bidan Siaga", "Antrean Online"]
    assert [str(s["score"]) for s in slides] == ["70.0000", "80.0000", "90.0000"]


def test_ceremony_without_awards_reveals_the_frozen_list_bottom_up(competition, committee, ranked, proposal_stage):
    shortlists.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 4}, actor=committee)

    slides = ceremony.ceremony_slides(competition, ranked["a"].category)

    assert [s["label"] for s in slides] == ["#3", "#2", "#1"]
    assert slides[-1]["title"] == "Antrean Online"

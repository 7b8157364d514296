from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from competitions.models import Region, Stage
from judging.models import Criterion
from submissions.models import Agency


def plain(value) -> str:
    """A decimal without trailing zeros and never in exponent form ("100", "7.5"), for inputs and messages."""
    return format(value.normalize(), "f")


class SheetForm(forms.Form):
    """One field per criterion of the stage; the service checks scales and steps."""

    comment = forms.CharField(
        label=_("Comment for the committee"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c{criterion.pk}"] = forms.CharField(
                label=criterion.name,
                required=False,
                widget=forms.NumberInput(
                    attrs={
                        "min": plain(criterion.min_score),
                        "max": plain(criterion.max_score),
                        "step": plain(criterion.step),
                        "inputmode": "decimal",
                        "class": "form-control score-input",
                        "aria-describedby": f"guide-{criterion.pk}",
                    }
                ),
            )

    def scores(self):
        return {c.pk: self.cleaned_data.get(f"c{c.pk}", "") for c in self.criteria}

    def rows(self):
        return [(c, self[f"c{c.pk}"]) for c in self.criteria]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}), max_length=2000
    )


class ConflictForm(forms.Form):
    SCOPES = [("innovation", _("This innovation only")), ("agency", _("Every innovation of its agency"))]
    scope = forms.ChoiceField(
        label=_("Conflict with"),
        choices=SCOPES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial="innovation",
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}), max_length=2000
    )


class CriterionForm(forms.ModelForm):
    levels_text = forms.CharField(
        label=_("What each score means"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional. One line per level, as “score: description”, e.g. “100: fully replicated elsewhere”."),
    )

    class Meta:
        model = Criterion
        fields = ["order", "code", "name", "guidance", "weight", "min_score", "max_score", "step"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["levels_text"].initial = "\n".join(
                f"{plain(level.score)}: {level.descriptor}" for level in self.instance.levels.all()
            )

    def clean_levels_text(self):
        levels = []
        for line in self.cleaned_data["levels_text"].splitlines():
            if not line.strip():
                continue
            score, sep, descriptor = line.partition(":")
            try:
                value = Decimal(score.strip().replace(",", "."))
            except InvalidOperation:
                value = None
            if not sep or value is None or not value.is_finite() or not descriptor.strip():
                raise forms.ValidationError(_("Write each level as “score: description”."))
            levels.append((value, descriptor.strip()[:300]))
        if len({v for v, _d in levels}) != len(levels):
            raise forms.ValidationError(_("Each score may be described only once."))
        return levels


# A rubric has a handful of criteria; the caps stop a forged TOTAL_FORMS from rendering a thousand forms.
CriterionFormSet = inlineformset_factory(
    Stage, Criterion, form=CriterionForm, extra=1, can_delete=True, fk_name="stage", max_num=30, absolute_max=40
)


class CopyRubricForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Copy the rubric of"), queryset=Stage.objects.none())

    def __init__(self, *args, stages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = stages if stages is not None else Stage.objects.none()
        self.fields["source"].label_from_instance = lambda s: f"{s.competition} · {s.name}"


class PanelMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("Judge's e-mail"), help_text=_("An account is created and invited when none exists.")
    )
    name = forms.CharField(label=_("Full name"), required=False, max_length=300)
    affiliation = forms.CharField(label=_("Affiliation"), required=False, max_length=200)
    agency = forms.ModelChoiceField(
        label=_("Judge's own agency"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        help_text=_("The judge never gets this agency's innovations."),
    )
    region = forms.ModelChoiceField(label=_("Judge's region"), queryset=Region.objects.order_by("name"), required=False)


class ManualAssignmentForm(forms.Form):
    judge = forms.ModelChoiceField(label=_("Judge"), queryset=get_user_model().objects.none())
    innovation = forms.ModelChoiceField(label=_("Innovation"), queryset=None)

    def __init__(self, *args, judges, innovations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judge"].queryset = judges
        self.fields["judge"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["innovation"].queryset = innovations
        self.fields["innovation"].label_from_instance = lambda i: f"{i.entry_number or '-'} · {i.title}"


class AgencyConflictForm(forms.Form):
    """A judge's conflict with a whole agency, declared before (or without) an assignment."""

    competition = forms.ModelChoiceField(label=_("Competition"), queryset=None)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.order_by("name"))
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}), max_length=2000
    )

    def __init__(self, *args, competitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competition"].queryset = competitions
        self.fields["agency"].queryset = (
            Agency.objects.filter(innovations__competition__in=competitions).distinct().order_by("name")
        )

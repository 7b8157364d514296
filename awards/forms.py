from django import forms
from django.utils.translation import gettext_lazy as _

from awards.enums import Place
from awards.models import Objection
from competitions.enums import ShortlistRule


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 2}))


class VerifyLookupForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=32)

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if not code.isascii() or not code.isalnum() or len(code) < 4:
            raise forms.ValidationError(_("Type the code as printed: letters and digits only."))
        return code


class ShortlistRuleForm(forms.Form):
    """How to compute a shortlist: Top N, a pass mark, or quotas per category, group or region."""

    rule = forms.ChoiceField(label=_("Rule"), choices=ShortlistRule.choices)
    top_n = forms.IntegerField(label=_("N (Top N)"), min_value=1, required=False)
    pass_mark = forms.DecimalField(
        label=_("Pass mark (0-100)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    quota_by = forms.ChoiceField(
        label=_("Quotas per"),
        choices=[("category", _("Category")), ("group", _("Entry group")), ("region", _("Region"))],
        required=False,
    )

    def __init__(self, *args, buckets=None, **kwargs):
        """buckets: {"category": [(id, label)...], "group": [...], "region": [...]} for the quota fields."""
        super().__init__(*args, **kwargs)
        self.buckets = buckets or {}
        for by, options in self.buckets.items():
            for pk, label in options:
                self.fields[f"quota_{by}_{pk}"] = forms.IntegerField(
                    label=label, min_value=0, required=False, widget=forms.NumberInput(attrs={"class": "quota"})
                )

    def clean(self):
        data = super().clean()
        rule = data.get("rule")
        if rule == ShortlistRule.TOP_N and not data.get("top_n"):
            self.add_error("top_n", _("Give N for a Top-N list."))
        if rule == ShortlistRule.PASS_MARK and data.get("pass_mark") is None:
            self.add_error("pass_mark", _("Give the pass mark."))
        if rule == ShortlistRule.QUOTA:
            by = data.get("quota_by")
            if not by:
                self.add_error("quota_by", _("Choose what the quotas are per."))
            elif not any(data.get(f"quota_{by}_{pk}") for pk, _label in self.buckets.get(by, [])):
                self.add_error("quota_by", _("Give at least one quota."))
        return data

    def rule_params(self) -> dict:
        data = self.cleaned_data
        rule = data["rule"]
        if rule == ShortlistRule.TOP_N:
            return {"n": data["top_n"]}
        if rule == ShortlistRule.PASS_MARK:
            return {"pass_mark": str(data["pass_mark"])}
        by = data["quota_by"]
        quotas = {str(pk): data.get(f"quota_{by}_{pk}") or 0 for pk, _label in self.buckets.get(by, [])}
        return {"by": by, "quotas": {k: v for k, v in quotas.items() if v}}

    def quota_fields(self, by):
        return [self[f"quota_{by}_{pk}"] for pk, _label in self.buckets.get(by, [])]


class PublishForm(forms.Form):
    objection_days = forms.IntegerField(
        label=_("Objection window (days)"),
        min_value=0,
        max_value=30,
        help_text=_("0: no objection window; the listed innovations move to the next stage at once."),
    )
    correction_reason = forms.CharField(
        label=_("Reason for the correction"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_incomplete = forms.BooleanField(
        label=_("I have checked the entries with too few sheets and the open stage, and I publish anyway."),
        required=False,
    )

    def __init__(self, *args, needs_confirmation=False, **kwargs):
        """needs_confirmation: the preview warns (judging incomplete or stage still open); the box must be ticked."""
        super().__init__(*args, **kwargs)
        self.needs_confirmation = needs_confirmation
        if not needs_confirmation:
            del self.fields["confirm_incomplete"]

    def clean(self):
        data = super().clean()
        if self.needs_confirmation and not data.get("confirm_incomplete"):
            self.add_error(
                "confirm_incomplete",
                _("Tick this box to confirm that you want to publish although judging is incomplete."),
            )
        return data


class ObjectionForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["innovation", "name", "email", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, innovations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["innovation"].queryset = innovations
        self.fields["innovation"].empty_label = _("Choose an entry")
        self.fields["innovation"].required = True


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class AwardForm(forms.Form):
    innovation = forms.ModelChoiceField(label=_("Innovation"), queryset=None)
    place = forms.ChoiceField(label=_("Place"), choices=Place.choices)
    title = forms.CharField(
        label=_("Award title"), max_length=200, required=False, help_text=_("Required for a special award.")
    )

    def __init__(self, *args, innovations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["innovation"].queryset = innovations

    def clean(self):
        data = super().clean()
        if data.get("place") == Place.SPECIAL and not data.get("title"):
            self.add_error("title", _("A special award needs a title."))
        return data


class LeaderboardForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False, empty_label=_("All"))

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories

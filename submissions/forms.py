"""Forms of the agency side. They validate and report; they never send mail or change state."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from competitions.enums import GroupKind
from competitions.models import Region
from submissions import eligibility, validators
from submissions.enums import EndorsementOutcome, ScreeningOutcome
from submissions.models import Agency, Innovation, LocalAdmin
from submissions.services import HEADER_FIELDS

# The header fields of the proposal form are the ones the draft service saves.
PROPOSAL_HEADER = HEADER_FIELDS


class StartInnovationForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    group = forms.ModelChoiceField(label=_("Entry group"), queryset=None)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    title = forms.CharField(label=_("Title of the innovation"), max_length=250)

    def __init__(self, *args, competition, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()
        self.fields["group"].queryset = competition.groups.all()
        self.fields["category"].queryset = competition.categories.all()


class ProposalForm(forms.Form):
    """Header fields plus one text area per proposal section of the entry's group.

    Only formats are checked here (dates, e-mail, link), so a draft with missing or over-long sections still saves;
    completeness and word limits are the submission checks of eligibility.py, shown next to their fields.
    """

    def __init__(self, *args, innovation, questions, answers, **kwargs):
        initial = {name: getattr(innovation, name) for name in PROPOSAL_HEADER}
        initial["category"] = innovation.category_id
        initial.update({eligibility.answer_field(q): answers.get(q.pk, "") for q in questions})
        super().__init__(*args, initial=initial, **kwargs)
        self.innovation = innovation
        self.questions = questions
        self.fields.update(forms.fields_for_model(Innovation, fields=PROPOSAL_HEADER, exclude=["video_url"]))
        # The model's own form field (label, length), with a link typed without a scheme taken as https.
        self.fields["video_url"] = Innovation._meta.get_field("video_url").formfield(assume_scheme="https")
        for name in PROPOSAL_HEADER:
            self.fields[name].required = False
        self.fields["category"].queryset = innovation.competition.categories.all()
        self.fields["category"].empty_label = None
        self.fields["start_date"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["video_url"].widget.attrs["inputmode"] = "url"
        self.fields["contact_phone"].widget.attrs["inputmode"] = "tel"
        self.fields["declaration"].label = _(
            "I declare that this proposal and its attachments are true and that I may submit them for my agency."
        )
        if innovation.group.kind != GroupKind.REPLICATION:
            del self.fields["replicates"]
        for question in questions:
            name = eligibility.answer_field(question)
            attrs = {"rows": 8, "data-counter": f"{name}-count"}
            if question.word_limit:
                attrs["data-word-limit"] = question.word_limit
            help_parts = [question.guidance] if question.guidance else []
            self.fields[name] = forms.CharField(
                label=question.title,
                required=False,
                widget=forms.Textarea(attrs=attrs),
                help_text=" ".join(help_parts),
            )
            self.fields[name].question = question

    def clean_title(self):
        title = (self.cleaned_data.get("title") or "").strip()
        if not title:
            raise ValidationError(_("Enter the title of the innovation."))
        return title

    def answer_fields(self):
        return [self[eligibility.answer_field(q)] for q in self.questions]

    def header_fields(self):
        return [self[name] for name in PROPOSAL_HEADER if name in self.fields and name != "declaration"]

    def valid_header(self) -> dict:
        """The header fields that passed validation: saved even when another field has an error."""
        data = getattr(self, "cleaned_data", {})
        header = {name: data[name] for name in PROPOSAL_HEADER if name in self.fields and name in data}
        for name in ("innovator", "contact_name", "contact_phone", "contact_email", "video_url", "replicates"):
            if name in header and header[name] is None:
                header[name] = ""
        if header.get("category") is None:
            header.pop("category", None)
        return header

    def valid_answers(self) -> dict:
        data = getattr(self, "cleaned_data", {})
        return {q.pk: data[eligibility.answer_field(q)] for q in self.questions if eligibility.answer_field(q) in data}

    attachment_problems = ()

    def add_problems(self, problems):
        """Put each refusal next to what must change; missing attachments go to the attachments section."""
        self.attachment_problems = [p.message for p in problems if p.field == eligibility.ATTACHMENTS]
        for problem in problems:
            if problem.field == eligibility.ATTACHMENTS:
                continue
            field = problem.field if problem.field in self.fields else None
            self.add_error(field, problem.message)

    def has_problems(self) -> bool:
        return bool(self.errors or self.attachment_problems)


class AttachmentForm(forms.Form):
    requirement = forms.ModelChoiceField(label=_("Kind of attachment"), queryset=None)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, innovation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = innovation.competition.attachment_kinds.order_by("order")
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
        self.content_type = None

    def clean(self):
        cleaned = super().clean()
        requirement, upload = cleaned.get("requirement"), cleaned.get("file")
        if requirement and upload:
            try:
                self.content_type = validators.validate_attachment(upload, requirement)
            except ValidationError as error:
                self.add_error("file", error)
        return cleaned


class EndorsementForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=EndorsementOutcome.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment for the agency"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you return the entry: say what must change."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == EndorsementOutcome.RETURNED and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say what the agency must change."))
        return cleaned


class ScreeningForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=ScreeningOutcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason (sent to the agency)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give the reason for the decision: the agency receives it.")},
    )

    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist = list(checklist)
        for key, label, ok in self.checklist:
            self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False, initial=ok)

    def checklist_fields(self):
        return [self[f"check_{key}"] for key, _label, _ok in self.checklist]

    def checklist_data(self) -> dict:
        return {key: bool(self.cleaned_data.get(f"check_{key}")) for key, _label, _ok in self.checklist}


class EntryChoiceField(forms.ModelMultipleChoiceField):
    """Entries picked by id; an id no database column can hold is refused before any query (SQLite raised)."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # the parent refuses non-numbers with its own message
            if not -(2**63) <= number < 2**63:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": str(pk)[:40]}
                )
        return super()._check_values(value)


class BulkScreeningForm(forms.Form):
    innovations = EntryChoiceField(
        label=_("Entries"),
        queryset=None,
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Select at least one entry.")},
    )
    outcome = forms.ChoiceField(label=_("Decision for all selected entries"), choices=ScreeningOutcome.choices)
    reason = forms.CharField(
        label=_("Reason (sent to each agency)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the decision: the agencies receive it.")},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["innovations"].queryset = queryset


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "kind", "region", "email", "local_admin"]

    def __init__(self, *args, regions, local_admins=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        if local_admins is None:
            del self.fields["local_admin"]
        else:
            self.fields["local_admin"].queryset = local_admins


class AgencyImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("Columns: name, kind, region, contact e-mail (the first row holds the column names)."),
    )
    file.widget.attrs["accept"] = ".csv,.xlsx"


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"))
    is_contact = forms.BooleanField(label=_("Main contact of the agency"), required=False)


def regions_for(user):
    from submissions import rules

    if rules.is_any_committee(user):
        return Region.objects.all()
    if rules.is_local_admin(user):
        region = user.local_admin.region_id
        return Region.objects.filter(pk=region) | Region.objects.filter(parent=region)
    return Region.objects.none()


def local_admins_for(user):
    from submissions import rules

    return LocalAdmin.objects.select_related("user", "region") if rules.is_any_committee(user) else None

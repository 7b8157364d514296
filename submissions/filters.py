import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from competitions.models import Region
from submissions.enums import AgencyKind, InnovationStatus
from submissions.models import Innovation


class ScreeningFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title, agency or entry number"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=InnovationStatus.choices)
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=None)
    group = django_filters.ModelChoiceFilter(label=_("Group"), queryset=None)
    agency_kind = django_filters.ChoiceFilter(
        label=_("Agency kind"), field_name="agency__kind", choices=AgencyKind.choices
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), field_name="agency__region", queryset=Region.objects.all()
    )

    class Meta:
        model = Innovation
        fields = []

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].queryset = competition.categories.all()
        self.filters["group"].queryset = competition.groups.all()

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(agency__name__icontains=value) | Q(entry_number__icontains=value)
        )


class AgencyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or e-mail"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AgencyKind.choices)
    region = django_filters.ModelChoiceFilter(label=_("Region"), queryset=Region.objects.all())

    class Meta:
        from submissions.models import Agency

        model = Agency
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(email__icontains=value))

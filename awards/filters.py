import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from competitions.models import Category, Competition, Region
from submissions.enums import AgencyKind
from submissions.models import Innovation


def _public_categories(request):
    return Category.objects.filter(competition__is_public=True).select_related("competition")


class GalleryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    competition = django_filters.ModelChoiceFilter(
        label=_("Competition"), queryset=Competition.objects.filter(is_public=True).order_by("-year", "name")
    )
    year = django_filters.NumberFilter(label=_("Year"), field_name="competition__year")
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=_public_categories)
    agency_kind = django_filters.ChoiceFilter(
        label=_("Agency type"), field_name="agency__kind", choices=AgencyKind.choices
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), field_name="agency__region", queryset=Region.objects.order_by("name")
    )

    class Meta:
        model = Innovation
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(agency__name__icontains=value) | Q(innovator__icontains=value)
        )

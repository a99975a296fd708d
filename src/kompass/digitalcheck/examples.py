"""Atlas projects and practice examples for the gaps of a Digitalcheck: what municipalities of
the same size did in the area where a check shows a gap.

The rule is deliberately simple (docs/digitalcheck.md):

- each dimension maps to fields of action of the atlas (:data:`DIMENSION_FIELDS`); for a gap
  we show up to three projects of the newest atlas edition in those fields from profiles of
  the same size class, and up to three practice examples in those fields, those of the same
  size class first;
- strategy and organisation are not fields of action: for them we show atlas profiles of the
  same size class that name a digital lead (CDO, CIO) or a staff unit, since the atlas records
  how those municipalities organise the work (profile sections "Strategie" and
  "Organisation").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.urls import reverse

from kompass.analysis.size_classes import SIZE_CLASS_BOUNDS
from kompass.atlas import selectors
from kompass.atlas.models import Edition, OrganisationUnit, PracticeExample, ProjectField
from kompass.core.models import FieldOfAction

#: Fields of action (atlas slugs) whose projects address a dimension of the Digitalcheck.
DIMENSION_FIELDS: dict[str, tuple[str, ...]] = {
    "strategy": (),
    "organisation": (),
    "administration": ("administration",),
    "data": ("data_platform",),
    "skills": ("education",),
    "infrastructure": ("it_infrastructure",),
    "fields": ("mobility", "energy_environment", "health", "retail", "security", "society"),
    "cooperation": ("society",),
}
#: Organisation kinds that show how a municipality steers its digital work.
LEAD_KINDS = (
    OrganisationUnit.Kind.CDO,
    OrganisationUnit.Kind.CIO,
    OrganisationUnit.Kind.STAFF_UNIT,
)
LIMIT = 3


@dataclass
class GapExamples:
    dimension: str
    fields: list[FieldOfAction] = field(default_factory=list)
    projects: list[Any] = field(default_factory=list)
    profiles: list[Any] = field(default_factory=list)
    practice: list[PracticeExample] = field(default_factory=list)
    more_url: str = ""

    @property
    def empty(self) -> bool:
        return not (self.projects or self.profiles or self.practice)


def _population_range(size: str) -> Q:
    bounds = dict(SIZE_CLASS_BOUNDS)
    lower = bounds[size]
    higher = [bound for _, bound in SIZE_CLASS_BOUNDS if bound > lower]
    query = Q(population__gte=lower)
    if higher:
        query &= Q(population__lt=min(higher))
    return query


def examples_for_gaps(gaps: list[str], size: str | None, limit: int = LIMIT) -> list[GapExamples]:
    """For each gap (dimension id, weakest first) the atlas entries described above."""
    edition = Edition.objects.first()
    fields = {f.slug: f for f in FieldOfAction.objects.all()}
    result = []
    for gap in gaps:
        slugs = DIMENSION_FIELDS.get(gap, ())
        entry = GapExamples(dimension=gap, fields=[fields[s] for s in slugs if s in fields])
        if edition is not None and slugs:
            in_fields = ProjectField.objects.filter(project=OuterRef("pk"), field__slug__in=slugs)
            projects = selectors.projects(edition, size_class=size).filter(Exists(in_fields))
            entry.projects = list(projects[:limit])
            query = f"?field={slugs[0]}" + (f"&size_class={size}" if size else "")
            entry.more_url = reverse("atlas:project_list") + query
        elif edition is not None:
            leads = OrganisationUnit.objects.filter(profile=OuterRef("pk"), kind__in=LEAD_KINDS)
            profiles = selectors.profiles(edition, size_class=size).filter(Exists(leads))
            entry.profiles = list(profiles[:limit])
            entry.more_url = reverse("atlas:profile_list") + (f"?size_class={size}" if size else "")
        if slugs:
            in_fields = PracticeExample.objects.filter(fields__slug__in=slugs).values("pk")
            practice = PracticeExample.objects.filter(pk__in=in_fields)
            if size:
                practice = practice.annotate(
                    same_size=Case(
                        When(_population_range(size), then=Value(0)),
                        default=Value(1),
                        output_field=IntegerField(),
                    )
                ).order_by("same_size", "title")
            else:
                practice = practice.order_by("title")
            entry.practice = list(practice[:limit])
        result.append(entry)
    return result

"""Keep the stored cross-sectional figures honest: any change to the data they count marks
them stale (kompass.atlas.queries.cross_section_figures recomputes them on the next request).
Bulk writes (``bulk_create``, the scale-data generator, a new edition) send no signals; they
only ever write editions whose figures are not stored yet."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from kompass.atlas.models import (
    CrossSectionFigures,
    FundingProgramme,
    Milestone,
    OrganisationUnit,
    Profile,
    ProfileFunding,
    Project,
    ProjectField,
)
from kompass.atlas.queries import mark_cross_section_stale


def _profile_changed(instance: Profile, **kwargs: Any) -> None:
    mark_cross_section_stale(instance.edition_id)


def _part_changed(
    instance: Milestone | OrganisationUnit | ProfileFunding | Project, **kwargs: Any
) -> None:
    edition = Profile.objects.filter(pk=instance.profile_id).values_list("edition_id", flat=True)
    mark_cross_section_stale(edition.first())


def _field_link_changed(instance: ProjectField, **kwargs: Any) -> None:
    edition = Project.objects.filter(pk=instance.project_id).values_list(
        "profile__edition_id", flat=True
    )
    mark_cross_section_stale(edition.first())


def _programme_changed(instance: FundingProgramme, **kwargs: Any) -> None:
    for edition_id in CrossSectionFigures.objects.values_list("edition_id", flat=True):
        mark_cross_section_stale(edition_id)


def connect() -> None:
    """Connect the handlers (AtlasConfig.ready)."""
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_profile_changed, sender=Profile, dispatch_uid=f"figures-profile-{name}")
        for model in (Milestone, OrganisationUnit, ProfileFunding, Project):
            signal.connect(
                _part_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-{name}"
            )
        signal.connect(
            _field_link_changed, sender=ProjectField, dispatch_uid=f"figures-field-{name}"
        )
        signal.connect(
            _programme_changed, sender=FundingProgramme, dispatch_uid=f"figures-programme-{name}"
        )

"""The atlas: editions of municipality profiles (Steckbriefe) with their lighthouse projects."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from kompass.analysis.size_classes import SIZE_CLASS_BOUNDS
from kompass.core.models import FieldOfAction, Land, Municipality, SizeClass

#: The fixed sections of a profile (Steckbrief), in the study's order, with German titles.
PROFILE_SECTIONS = [
    ("organisation", "Organisationsstruktur"),
    ("milestones", "Meilensteine"),
    ("goals", "Motivation und Ziele"),
    ("stakeholders", "Akteure und Beteiligung"),
    ("opportunities_challenges", "Chancen und Herausforderungen"),
    ("communication_networks", "Kommunikation und Netzwerke"),
    ("funding", "Wettbewerbe und Förderprogramme"),
]


class Edition(models.Model):
    """One edition of the atlas, e.g. the study's "2019" (Stand März 2019)."""

    slug = models.SlugField(max_length=20, unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    reference_date = models.DateField(_("Stand"))
    population_date = models.DateField(_("Stichtag der Einwohnerzahlen"), null=True, blank=True)
    area_date = models.DateField(_("Stichtag der Flächen"), null=True, blank=True)
    document = models.CharField(_("Quelldokument"), max_length=255, blank=True)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fortgeschrieben aus"),
    )
    created_at = models.DateTimeField(_("angelegt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Ausgabe")
        verbose_name_plural = _("Ausgaben")
        ordering = ["-reference_date"]

    def __str__(self) -> str:
        return self.title


class Profile(models.Model):
    """A municipality's profile in one edition. Section texts are our own summaries."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="profiles")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="atlas_profiles"
    )
    slug = models.SlugField(max_length=220)
    name = models.CharField(_("Name"), max_length=200)
    land = models.CharField(_("Land"), max_length=2, choices=Land.choices)
    population = models.PositiveIntegerField(_("Einwohnerzahl"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("Fläche in km²"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    sections = models.JSONField(
        _("Abschnitte"),
        default=dict,
        help_text=_("Zusammenfassung und Listen je Abschnitt des Steckbriefs."),
    )
    further_information = models.JSONField(_("Weiterführende Informationen"), default=list)
    notes = models.TextField(_("Anmerkungen"), blank=True)
    version = models.PositiveIntegerField(default=1)
    #: The BBSR size class of the population this edition printed (the list's and the
    #: analysis's size class; a later directory import changes the municipality's, not this).
    size_class = models.GeneratedField(
        expression=Case(
            When(population__isnull=True, then=Value(None)),
            *[When(population__gte=lower, then=Value(slug)) for slug, lower in SIZE_CLASS_BOUNDS],
            default=Value(None),
            output_field=models.CharField(max_length=20),
        ),
        output_field=models.CharField(
            _("Größenklasse"), max_length=20, choices=SizeClass.choices, null=True
        ),
        db_persist=True,
    )
    #: Bit sets of the fields of action of the profile's projects (any printed field; primary
    #: field) and of its organisation-unit kinds, kept by kompass.atlas.profile_facets so that
    #: the list filters on one table (bits: profile_facets.FIELD_BITS, ORGANISATION_BITS).
    field_bits = models.PositiveIntegerField(default=0, editable=False)
    primary_bits = models.PositiveIntegerField(default=0, editable=False)
    organisation_bits = models.PositiveIntegerField(default=0, editable=False)
    sources = GenericRelation("core.Source")

    class Meta:
        verbose_name = _("Steckbrief")
        verbose_name_plural = _("Steckbriefe")
        ordering = ["edition", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "municipality"], name="profile_unique_municipality"
            ),
            models.UniqueConstraint(fields=["edition", "slug"], name="profile_unique_slug"),
        ]
        # Paged lists read one page of keys in this order (kompass.atlas.selectors.rows).
        indexes = [
            models.Index(fields=["edition", "name", "slug"], name="profile_list_order"),
            models.Index(fields=["edition", "land", "name"], name="profile_land"),
            models.Index(fields=["edition", "size_class", "name"], name="profile_size_class"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.edition.slug})"


class OrganisationUnit(models.Model):
    class Kind(models.TextChoices):
        CDO = "cdo", _("Chief Digital Officer")
        CIO = "cio", _("Chief Information Officer")
        STAFF_UNIT = "staff_unit", _("Stabsstelle")
        DEPARTMENT = "department", _("Fachbereich oder Dezernat")
        OFFICE = "office", _("Amt oder Dienststelle")
        COMPANY = "company", _("Gesellschaft")
        STEERING_GROUP = "steering_group", _("Lenkungskreis")
        CROSS_DEPARTMENTAL_GROUP = "cross_departmental_group", _("Ämterübergreifende Gruppe")
        ADVISORY_BOARD = "advisory_board", _("Beirat")
        POLITICAL_BODY = "political_body", _("Politisches Gremium")
        OTHER = "other", _("Sonstiges")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("Bezeichnung"), max_length=300)
    kind = models.CharField(_("Art"), max_length=30, choices=Kind.choices)
    reports_to = models.CharField(_("berichtet an"), max_length=200, blank=True)
    since = models.CharField(_("seit"), max_length=10, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["profile", "position"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="milestones")
    date = models.CharField(_("Datum"), max_length=10, help_text=_("JJJJ, JJJJ-MM oder JJJJ-MM-TT"))
    year = models.PositiveSmallIntegerField(_("Jahr"))
    event = models.TextField(_("Ereignis"))
    planned = models.BooleanField(_("geplant"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["profile", "position"]

    def __str__(self) -> str:
        return f"{self.date}: {self.event}"


class FundingProgramme(models.Model):
    class Level(models.TextChoices):
        EU = "eu", _("EU")
        FEDERAL = "federal", _("Bund")
        LAND = "land", _("Land")
        OTHER = "other", _("Sonstige")

    name = models.CharField(_("Name"), max_length=300, unique=True)
    level = models.CharField(_("Ebene"), max_length=10, choices=Level.choices)

    class Meta:
        verbose_name = _("Wettbewerb oder Förderprogramm")
        verbose_name_plural = _("Wettbewerbe und Förderprogramme")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProfileFunding(models.Model):
    class Role(models.TextChoices):
        WINNER = "winner", _("Gewinner")
        FINALIST = "finalist", _("Finalist")
        MODEL_MUNICIPALITY = "model_municipality", _("Modellkommune")
        FUNDED = "funded", _("gefördert")
        PARTICIPANT = "participant", _("Teilnehmer")
        APPLICANT = "applicant", _("Bewerber")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="funding")
    programme = models.ForeignKey(
        FundingProgramme, on_delete=models.PROTECT, related_name="profiles"
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    year = models.CharField(_("Jahr"), max_length=10, blank=True)

    class Meta:
        ordering = ["profile", "programme__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "programme", "role"], name="funding_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} ({self.get_role_display()})"


class Project(models.Model):
    """A lighthouse project of a profile. ``primary_field`` follows the study's rule: the
    field of the project's main aim, as Annex A of the 2019 atlas lists it."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="projects")
    slug = models.SlugField(max_length=220)
    title = models.CharField(_("Titel"), max_length=300)
    summary = models.TextField(_("Kurzbeschreibung"))
    primary_field = models.ForeignKey(
        FieldOfAction, on_delete=models.PROTECT, related_name="primary_projects"
    )
    fields = models.ManyToManyField(FieldOfAction, through="ProjectField", related_name="projects")
    start = models.CharField(_("Beginn"), max_length=10, blank=True)
    partners = models.JSONField(_("Partner"), default=list)
    position = models.PositiveSmallIntegerField(default=0)
    sources = GenericRelation("core.Source")

    class Meta:
        verbose_name = _("Projekt")
        verbose_name_plural = _("Projekte")
        ordering = ["profile", "position"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "slug"], name="project_unique_slug")
        ]
        indexes = [models.Index(fields=["profile", "position", "id"], name="project_list_order")]

    def __str__(self) -> str:
        return self.title


class ProjectField(models.Model):
    """Every field-of-action label printed for a project, in printed order."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="field_links")
    field = models.ForeignKey(FieldOfAction, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "field"], name="project_field_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.field}"


class PracticeExample(models.Model):
    """A municipality (or alliance) another study describes as an example, with its topic."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Gemeinde")
        TOWN = "town", _("Stadt")
        KREISFREI_CITY = "kreisfrei_city", _("Kreisfreie Stadt")
        DISTRICT = "district", _("Landkreis")
        ASSOCIATION = "association", _("Gemeindeverbund")
        REGION = "region", _("Region")

    slug = models.SlugField(max_length=120, unique=True)
    document = models.CharField(_("Quelldokument"), max_length=255)
    reference_date = models.DateField(_("Stand"))
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practice_examples",
        help_text=_("Leer bei Regionen und Verbünden ohne eigene Kommune im Verzeichnis."),
    )
    place = models.CharField(_("Ort"), max_length=200)
    land = models.CharField(_("Land"), max_length=2, choices=Land.choices)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    population = models.PositiveIntegerField(_("Einwohnerzahl"), null=True, blank=True)
    population_date = models.DateField(_("Stichtag der Einwohnerzahl"), null=True, blank=True)
    title = models.CharField(_("Titel"), max_length=300)
    year = models.PositiveSmallIntegerField(_("Jahr"), null=True, blank=True)
    summary = models.TextField(_("Kurzbeschreibung"))
    fields = models.ManyToManyField(FieldOfAction, related_name="practice_examples", blank=True)
    topics = models.JSONField(_("Stichworte"), default=list)
    notes = models.TextField(_("Anmerkungen"), blank=True)
    sources = GenericRelation("core.Source")

    class Meta:
        verbose_name = _("Praxisbeispiel")
        verbose_name_plural = _("Praxisbeispiele")
        ordering = ["place", "title"]

    def __str__(self) -> str:
        return f"{self.place}: {self.title}"


class SearchEntry(models.Model):
    """One searchable record (profile, project or practice example) with prepared terms.

    ``terms`` holds the folded and stemmed words (kompass.analysis.textsearch) and
    ``filter_terms`` one token per filter value; the database indexes both (SQLite FTS5 table
    ``atlas_searchentry_fts`` or the PostgreSQL GIN index on the generated column ``tsv``, see
    migration 0005) so both databases match the same terms. ``profile_pk`` is the profile a
    profile or project entry belongs to (for incremental updates). See
    docs/decisions/0005-search-at-scale.md.
    """

    class Kind(models.TextChoices):
        PROFILE = "profile", _("Steckbrief")
        PROJECT = "project", _("Projekt")
        EXAMPLE = "example", _("Praxisbeispiel")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    edition = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=300)
    place = models.CharField(max_length=200)
    url = models.CharField(max_length=300)
    text = models.TextField()
    title_terms = models.TextField()
    terms = models.TextField()
    land = models.CharField(max_length=2, choices=Land.choices)
    size_class = models.CharField(max_length=20, blank=True)
    fields = models.CharField(max_length=300, blank=True, help_text="space-separated slugs")
    primary_field = models.CharField(max_length=40, blank=True)
    has_cdo = models.BooleanField(default=False)
    funding = models.TextField(blank=True, help_text="space-separated programme ids")
    organisation = models.CharField(
        max_length=300, blank=True, default="", help_text="space-separated unit kinds"
    )
    filter_terms = models.TextField(blank=True, default="", help_text="one token per filter")
    profile_pk = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


# --- Editorial review -------------------------------------------------------------------------
class ProfileVersion(models.Model):
    """A published state of a profile: the editable document (kompass.atlas.editorial) as it
    was after version ``number`` went live, with who proposed and who published it."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("Version"))
    document = models.JSONField(_("Inhalt"))
    changed = models.JSONField(_("geänderte Felder"), default=list)
    note = models.TextField(_("Anmerkung"), blank=True)
    proposal = models.ForeignKey(
        "ChangeProposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("veröffentlicht am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Version eines Steckbriefs")
        verbose_name_plural = _("Versionen von Steckbriefen")
        ordering = ["profile", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="profile_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.profile} v{self.number}"


class ChangeProposal(models.Model):
    """A member's proposed change to a profile (or a new profile) awaiting the editors."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        ACCEPTED = "accepted", _("angenommen")
        REJECTED = "rejected", _("abgelehnt")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="proposals")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="atlas_proposals"
    )
    profile = models.ForeignKey(
        Profile,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("Leer bei einem Vorschlag für einen neuen Steckbrief."),
    )
    base_version = models.PositiveIntegerField(
        _("Grundlage (Version)"), help_text=_("0 bei einem neuen Steckbrief.")
    )
    base_document = models.JSONField(_("Inhalt der Grundlage"))
    document = models.JSONField(_("vorgeschlagener Inhalt"))
    reason = models.TextField(_("Begründung und Quelle"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    revision = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="atlas_proposals"
    )
    created_at = models.DateTimeField(_("eingereicht am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decision_note = models.TextField(_("Begründung der Entscheidung"), blank=True)
    published_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("Änderungsvorschlag")
        verbose_name_plural = _("Änderungsvorschläge")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "edition"])]

    def __str__(self) -> str:
        return f"Vorschlag {self.pk} ({self.municipality})"

    @property
    def is_new_profile(self) -> bool:
        return self.profile_id is None and self.base_version == 0


class ProposalComment(models.Model):
    proposal = models.ForeignKey(ChangeProposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("Kommentar"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Kommentar zu {self.proposal_id}"


# --- Search vocabulary ------------------------------------------------------------------------
class SearchTerm(models.Model):
    """One term or filter token of the search index with its document frequency (the number of
    entries whose ``terms`` or ``filter_terms`` contain it), kept in step by
    kompass.atlas.search."""

    term = models.TextField(unique=True)
    df = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.term} ({self.df})"


class CrossSectionFigures(models.Model):
    """The cross-sectional figures of an edition as last computed by
    ``kompass.atlas.queries.edition_cross_section``, so that the analysis page and API cost one
    row instead of a dozen aggregations over the whole edition (seconds at 10 times Germany's
    size). ``stale`` is set when the edition's data change after ``computed_at``; the next
    request recomputes them (docs/decisions/0007-atlas-at-scale.md)."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="figures")
    data = models.JSONField()
    computed_at = models.DateTimeField()
    #: Seconds the computation took (shown to editors, printed by the benchmark).
    seconds = models.FloatField(default=0)
    stale = models.BooleanField(default=False)
    #: When the data last changed (set with ``stale``).
    changed_at = models.DateTimeField(null=True, blank=True)
    #: Set while one request recomputes stale figures; others serve the stale ones.
    refreshing_since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Querschnitt {self.edition_id} ({self.computed_at:%Y-%m-%d %H:%M})"

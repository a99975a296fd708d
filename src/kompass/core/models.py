"""Municipalities, fields of action and provenance: the shared vocabulary of every module."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kompass.analysis.size_classes import SIZE_CLASS_BOUNDS

models.CharField.register_lookup(Length)


class Land(models.TextChoices):
    """The sixteen Länder, keyed by their ISO 3166-2:DE subdivision code."""

    SH = "SH", "Schleswig-Holstein"
    HH = "HH", "Hamburg"
    NI = "NI", "Niedersachsen"
    HB = "HB", "Bremen"
    NW = "NW", "Nordrhein-Westfalen"
    HE = "HE", "Hessen"
    RP = "RP", "Rheinland-Pfalz"
    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    SL = "SL", "Saarland"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    MV = "MV", "Mecklenburg-Vorpommern"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    TH = "TH", "Thüringen"


#: The first two digits of an AGS (Amtlicher Gemeindeschlüssel) name the Land.
LAND_BY_AGS_PREFIX: dict[str, str] = {
    f"{index:02d}": land.value for index, land in enumerate(Land, start=1)
}


class MunicipalityKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Gemeinde")
    TOWN = "town", _("Stadt")
    KREISFREI_CITY = "kreisfrei_city", _("Kreisfreie Stadt")
    DISTRICT = "district", _("Landkreis")


class SizeClass(models.TextChoices):
    """BBSR city and municipality types by population (thresholds in analysis.size_classes)."""

    LARGE_CITY = "large_city", _("Großstadt")
    MEDIUM_TOWN = "medium_town", _("Mittelstadt")
    SMALL_TOWN = "small_town", _("Kleinstadt")
    RURAL_MUNICIPALITY = "rural_municipality", _("Landgemeinde")


def _size_class_expression() -> Case:
    """The database expression behind Municipality.size_class, built from the same bounds as
    :func:`kompass.analysis.size_classes.size_class` so that the two cannot drift apart."""
    whens = [When(kind=MunicipalityKind.DISTRICT, then=Value(None))]
    whens.append(When(population__isnull=True, then=Value(None)))
    whens += [When(population__gte=lower, then=Value(slug)) for slug, lower in SIZE_CLASS_BOUNDS]
    return Case(*whens, default=Value(None), output_field=models.CharField(max_length=20))


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def matching(self, text: str) -> MunicipalityQuerySet:
        """Name (official or short) containing ``text``, or AGS starting with it."""
        text = text.strip()
        if not text:
            return self
        if text.isdigit():
            return self.filter(ags__startswith=text)
        return self.filter(Q(name__icontains=text) | Q(official_name__icontains=text))

    def filtered(
        self,
        *,
        text: str = "",
        land: str | None = None,
        size_class: str | None = None,
        kind: str | None = None,
    ) -> MunicipalityQuerySet:
        """The directory's filters, shared by the HTML list and the API."""
        queryset = self.matching(text)
        if land:
            queryset = queryset.filter(land=land)
        if size_class:
            queryset = queryset.filter(size_class=size_class)
        if kind:
            queryset = queryset.filter(kind=kind)
        return queryset


class Municipality(models.Model):
    """A German municipality, town, kreisfreie Stadt or Landkreis."""

    name = models.CharField(_("Name"), max_length=200)
    official_name = models.CharField(
        _("Amtlicher Name"),
        max_length=250,
        blank=True,
        help_text=_("z. B. „Kiel, Landeshauptstadt“"),
    )
    slug = models.SlugField(_("Kurzname in Adressen"), max_length=220, unique=True)
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel"),
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Acht Ziffern; bei Landkreisen die fünf Ziffern des Kreisschlüssels."),
        validators=[
            RegexValidator(r"^[0-9]{5}([0-9]{3})?$", _("Fünf oder acht Ziffern erwartet."))
        ],
    )
    land = models.CharField(_("Land"), max_length=2, choices=Land.choices)
    district = models.ForeignKey(
        "self",
        verbose_name=_("Landkreis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": MunicipalityKind.DISTRICT},
    )
    kind = models.CharField(_("Art"), max_length=20, choices=MunicipalityKind.choices)
    population = models.PositiveIntegerField(_("Einwohnerzahl"), null=True, blank=True)
    population_date = models.DateField(_("Stichtag der Einwohnerzahl"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("Fläche in km²"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("Breitengrad"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("Längengrad"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    postal_code = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    size_class = models.GeneratedField(
        expression=_size_class_expression(),
        output_field=models.CharField(_("Größenklasse"), max_length=20, choices=SizeClass.choices),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sources = GenericRelation("Source")

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name", "ags"]
        indexes = [models.Index(fields=["land", "name"]), models.Index(fields=["size_class"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ags__isnull=True) | Q(ags__length__in=[5, 8]),
                name="municipality_ags_length",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="municipality_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="municipality_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:municipality_detail", args=[self.slug])

    @property
    def size_class_label(self) -> str:
        """German label of the BBSR size class ("" when unknown)."""
        return str(SizeClass(self.size_class).label) if self.size_class else ""


class FieldOfAction(models.Model):
    """One of the atlas's ten fields of action (Handlungsfelder); slugs are a contract."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("Name"), max_length=100)
    description = models.TextField(_("Beschreibung"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Vocabulary(models.Model):
    """Another study's list of fields (e.g. the BBSR impact matrix), mapped onto the ten."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("Name"), max_length=200)

    class Meta:
        verbose_name = _("Begriffssystem")
        verbose_name_plural = _("Begriffssysteme")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FieldOfActionMapping(models.Model):
    """A term of another vocabulary and the atlas fields of action it corresponds to."""

    vocabulary = models.ForeignKey(Vocabulary, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(_("Begriff"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    fields = models.ManyToManyField(FieldOfAction, related_name="mappings", blank=True)
    inferred = models.BooleanField(
        _("eigene Zuordnung"),
        default=True,
        help_text=_("Die Zuordnung ist unsere Lesart, nicht Aussage der Studie."),
    )
    note = models.TextField(_("Anmerkung"), blank=True)
    sources = GenericRelation("Source")

    class Meta:
        verbose_name = _("Zuordnung eines Handlungsfelds")
        verbose_name_plural = _("Zuordnungen von Handlungsfeldern")
        ordering = ["vocabulary", "position"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "term"], name="mapping_unique_term")
        ]

    def __str__(self) -> str:
        return f"{self.vocabulary.slug}: {self.term}"


class Source(models.Model):
    """Provenance of one imported record: the document, the lines, the date it describes.

    Attached to any model through a generic relation; ``inferred`` marks values that are our
    reading rather than the document's statement.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    attribute = models.CharField(
        _("Feld"), max_length=100, blank=True, help_text=_("Leer: gilt für den ganzen Datensatz.")
    )
    document = models.CharField(_("Dokument"), max_length=255)
    line_start = models.PositiveIntegerField(_("ab Zeile"), null=True, blank=True)
    line_end = models.PositiveIntegerField(_("bis Zeile"), null=True, blank=True)
    reference_date = models.DateField(_("Stand"), null=True, blank=True)
    inferred = models.BooleanField(_("erschlossen"), default=False)
    note = models.TextField(_("Anmerkung"), blank=True)

    class Meta:
        verbose_name = _("Quelle")
        verbose_name_plural = _("Quellen")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(line_start__isnull=True)
                | Q(line_end__isnull=True)
                | Q(line_end__gte=models.F("line_start")),
                name="source_line_range_ordered",
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "attribute", "document"],
                name="source_unique_per_record_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document}{self.lines_label}"

    @property
    def lines_label(self) -> str:
        if self.line_start is None:
            return ""
        if self.line_end in (None, self.line_start):
            return f", Z. {self.line_start}"
        return f", Z. {self.line_start}–{self.line_end}"

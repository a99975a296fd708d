"""Pages of the editorial review: propose, review, decide, history, new edition.

Proposals are private to the municipality's members, their author and the atlas editors;
everybody else gets a 404, so outsiders cannot even tell that a proposal exists. Published
versions are public like the profiles themselves.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kompass.atlas import editorial, selectors
from kompass.atlas.editorial import ConflictError, Document, StaleError
from kompass.atlas.editorial_forms import (
    CommentForm,
    DecisionForm,
    EditionForm,
    ProfileDocumentForm,
)
from kompass.atlas.models import ChangeProposal, Edition, Profile, ProfileVersion


def _current_profile(slug: str) -> Profile:
    """A profile of the newest edition (older editions are closed for changes)."""
    edition = selectors.edition_or_404(None)
    return get_object_or_404(
        Profile.objects.select_related("municipality", "edition"), edition=edition, slug=slug
    )


def _proposal_for(request: HttpRequest, pk: int) -> ChangeProposal:
    proposal = get_object_or_404(
        ChangeProposal.objects.select_related("municipality", "profile", "edition", "author"),
        pk=pk,
    )
    if not editorial.can_view(request.user, proposal):
        raise Http404
    return proposal


def _sanitised_notice(request: HttpRequest, form: ProfileDocumentForm) -> None:
    if form.sanitised:
        messages.warning(
            request,
            "HTML-Auszeichnungen und Skripte wurden entfernt aus: "
            + ", ".join(dict.fromkeys(form.sanitised))
            + ".",
        )


def _rebase_form(
    request: HttpRequest, profile: Profile, form: ProfileDocumentForm, base_version: int
) -> ProfileDocumentForm:
    """The profile moved on while the member edited: merge the member's input onto the new
    version and show it again, naming fields both sides changed."""
    base = ProfileVersion.objects.filter(profile=profile, number=base_version).first()
    current = editorial.document_of(profile)
    mine = form.document()
    merged, conflicts = editorial.merge(base.document if base else current, current, mine)
    for path in conflicts:
        merged[path] = mine[path]
    rebased = ProfileDocumentForm(
        ProfileDocumentForm.data_for(
            merged, base_version=profile.version, reason=form.cleaned_data.get("reason", "")
        ),
        document=merged,
    )
    rebased.is_valid()
    labels = [editorial.FIELDS_BY_PATH[p].label for p in conflicts]
    message = (
        f"Der Steckbrief wurde inzwischen geändert (jetzt Version {profile.version}, Sie "
        f"hatten Version {base_version} bearbeitet). Ihre Änderungen sind mit dem neuen Stand "
        "zusammengeführt; bitte prüfen und erneut absenden."
    )
    if labels:
        message += (
            " Beide Seiten haben geändert: "
            + ", ".join(labels)
            + ". Dort steht Ihre Fassung; sie ersetzt beim Absenden die neue."
        )
    rebased.add_error(None, message)
    return rebased


@login_required
def propose_change(request: HttpRequest, slug: str) -> HttpResponse:
    profile = _current_profile(slug)
    if not editorial.can_propose_for(request.user, profile.municipality):
        raise Http404
    document = editorial.document_of(profile)
    if request.method == "POST":
        form = ProfileDocumentForm(request.POST, document=document)
        if form.is_valid():
            base_version = form.cleaned_data["base_version"]
            _sanitised_notice(request, form)
            try:
                proposal = editorial.propose(
                    user=request.user,
                    profile=profile,
                    document=form.document(),
                    reason=form.cleaned_data["reason"],
                    base_version=base_version,
                )
            except StaleError:
                profile.refresh_from_db()
                form = _rebase_form(request, profile, form, base_version)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Ihr Vorschlag ist bei der Redaktion eingegangen.")
                return redirect("atlas:proposal_detail", pk=proposal.pk)
    else:
        form = ProfileDocumentForm(document=document, initial={"base_version": profile.version})
    return render(
        request,
        "atlas/review/propose.html",
        {"form": form, "profile": profile, "municipality": profile.municipality},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def propose_new(request: HttpRequest) -> HttpResponse:
    """A new profile for one of the member's municipalities that is not in the atlas yet."""
    edition = selectors.edition_or_404(None)
    choices = editorial.proposable_municipalities(request.user, edition)
    slug = request.GET.get("kommune") or request.POST.get("kommune")
    municipality = choices.filter(slug=slug).first() if slug else None
    if municipality is None:
        if slug:
            raise Http404
        return render(
            request,
            "atlas/review/propose_new_choose.html",
            {"municipalities": choices, "edition": edition},
        )
    if request.method == "POST":
        form = ProfileDocumentForm(request.POST)
        if form.is_valid():
            _sanitised_notice(request, form)
            try:
                proposal = editorial.propose(
                    user=request.user,
                    municipality=municipality,
                    edition=edition,
                    document=form.document(),
                    reason=form.cleaned_data["reason"],
                    base_version=0,
                )
            except StaleError:
                form.add_error(None, "Für diese Kommune gibt es inzwischen einen Steckbrief.")
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Ihr Vorschlag ist bei der Redaktion eingegangen.")
                return redirect("atlas:proposal_detail", pk=proposal.pk)
    else:
        document = editorial.empty_document()
        document["population"] = municipality.population
        document["area_km2"] = None if municipality.area_km2 is None else str(municipality.area_km2)
        form = ProfileDocumentForm(document=document, initial={"base_version": 0})
    return render(
        request,
        "atlas/review/propose.html",
        {"form": form, "profile": None, "municipality": municipality, "edition": edition},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ChangeProposal.Status.OPEN)
    if status not in {*ChangeProposal.Status.values, "alle"}:
        status = ChangeProposal.Status.OPEN
    proposals = editorial.visible_proposals(request.user)
    if status != "alle":
        proposals = proposals.filter(status=status)
    page = Paginator(proposals, 50).get_page(request.GET.get("seite"))
    return render(
        request,
        "atlas/review/proposal_list.html",
        {
            "page": page,
            "status": status,
            "statuses": [*ChangeProposal.Status.choices, ("alle", "alle")],
            "is_editor": editorial.is_editor(request.user),
            "new_choices": editorial.proposable_municipalities(
                request.user, selectors.edition_or_404(None)
            )
            if Edition.objects.exists()
            else [],
        },
    )


def _detail_context(request: HttpRequest, proposal: ChangeProposal) -> dict[str, Any]:
    user = request.user
    conflicts: list[str] = []
    stale = False
    current_version = None
    if proposal.profile and proposal.status == ChangeProposal.Status.OPEN:
        current_version = proposal.profile.version
        stale = current_version != proposal.base_version
        if stale:
            _, paths = editorial.merge(
                proposal.base_document,
                editorial.document_of(proposal.profile),
                proposal.document,
            )
            conflicts = [editorial.FIELDS_BY_PATH[p].label for p in paths]
    is_open = proposal.status == ChangeProposal.Status.OPEN
    return {
        "proposal": proposal,
        "changes": editorial.diff(proposal.base_document, proposal.document),
        "comments": proposal.comments.select_related("author"),
        "comment_form": CommentForm(),
        "decision_form": DecisionForm(initial={"revision": proposal.revision}),
        "can_decide": is_open
        and editorial.is_editor(user)
        and (proposal.author_id != user.pk or user.is_staff),
        "is_author": proposal.author_id == user.pk,
        "is_open": is_open,
        "stale": stale,
        "conflicts": conflicts,
        "current_version": current_version,
    }


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk)
    return render(request, "atlas/review/proposal_detail.html", _detail_context(request, proposal))


@login_required
def proposal_revise(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk)
    if proposal.author_id != request.user.pk or proposal.status != ChangeProposal.Status.OPEN:
        raise Http404
    if request.method == "POST":
        form = ProfileDocumentForm(request.POST, document=proposal.document)
        if form.is_valid():
            _sanitised_notice(request, form)
            try:
                editorial.revise(
                    user=request.user,
                    proposal=proposal,
                    document=form.document(),
                    reason=form.cleaned_data["reason"],
                    revision=form.cleaned_data["revision"] or 0,
                )
            except StaleError:
                form.add_error(
                    None,
                    "Der Vorschlag wurde inzwischen an anderer Stelle geändert oder entschieden. "
                    "Bitte laden Sie die Seite neu.",
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Der Vorschlag ist aktualisiert.")
                return redirect("atlas:proposal_detail", pk=proposal.pk)
    else:
        form = ProfileDocumentForm(
            document=proposal.document,
            initial={
                "base_version": proposal.base_version,
                "revision": proposal.revision,
                "reason": proposal.reason,
            },
        )
    return render(
        request,
        "atlas/review/propose.html",
        {
            "form": form,
            "profile": proposal.profile,
            "municipality": proposal.municipality,
            "proposal": proposal,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def proposal_comment(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            editorial.comment(user=request.user, proposal=proposal, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error("text", exc)
        else:
            messages.success(request, "Kommentar gespeichert.")
            return redirect(reverse("atlas:proposal_detail", args=[pk]) + "#kommentare")
    context = _detail_context(request, proposal)
    context["comment_form"] = form
    return render(request, "atlas/review/proposal_detail.html", context, status=400)


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk)
    if not editorial.is_editor(request.user):
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                profile = editorial.accept(
                    user=request.user,
                    proposal=proposal,
                    revision=data["revision"],
                    note=data["note"],
                )
                messages.success(
                    request, f"Veröffentlicht als Version {profile.version} von {profile.name}."
                )
            else:
                editorial.reject(
                    user=request.user,
                    proposal=proposal,
                    revision=data["revision"],
                    note=data["note"],
                )
                messages.success(request, "Der Vorschlag ist abgelehnt.")
            return redirect("atlas:proposal_detail", pk=pk)
        except ConflictError as exc:
            form.add_error(
                None,
                "Nicht veröffentlicht: Seit dem Vorschlag wurden dieselben Felder anders "
                f"geändert ({', '.join(exc.labels)}). Die Einreichenden können den Vorschlag "
                "auf den neuen Stand bringen.",
            )
        except StaleError:
            form.add_error(
                None,
                "Der Vorschlag wurde inzwischen geändert oder entschieden. Bitte prüfen Sie "
                "den aktuellen Stand.",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
    proposal.refresh_from_db()
    context = _detail_context(request, proposal)
    context["decision_form"] = form
    return render(request, "atlas/review/proposal_detail.html", context, status=400)


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk)
    try:
        editorial.withdraw(user=request.user, proposal=proposal)
    except PermissionDenied as exc:
        raise Http404 from exc
    except StaleError:
        messages.error(request, "Der Vorschlag ist bereits entschieden.")
    else:
        messages.success(request, "Der Vorschlag ist zurückgezogen.")
    return redirect("atlas:proposal_detail", pk=pk)


def _profile_of_edition(request: HttpRequest, slug: str) -> Profile:
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    return get_object_or_404(Profile.objects.select_related("edition"), edition=edition, slug=slug)


def _names_visible(request: HttpRequest, profile: Profile) -> bool:
    user = request.user
    return editorial.is_editor(user) or bool(
        user.is_authenticated and user.is_member_of(profile.municipality)
    )


def profile_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every published version of a profile with date and changed fields; names of people only
    for editors and the municipality's members."""
    profile = _profile_of_edition(request, slug)
    return render(
        request,
        "atlas/review/history.html",
        {
            "profile": profile,
            "edition": profile.edition,
            "versions": editorial.history(profile),
            "show_names": _names_visible(request, profile),
        },
    )


def profile_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    profile = _profile_of_edition(request, slug)
    version = get_object_or_404(ProfileVersion, profile=profile, number=number)
    previous = (
        ProfileVersion.objects.filter(profile=profile, number__lt=number)
        .order_by("-number")
        .first()
    )
    before: Document = previous.document if previous else editorial.empty_document()
    return render(
        request,
        "atlas/review/version.html",
        {
            "profile": profile,
            "edition": profile.edition,
            "version": version,
            "previous": previous,
            "changes": editorial.diff(before, version.document) if previous else [],
            "values": [
                (field.label, editorial.value_as_text(field, version.document.get(field.path)))
                for field in editorial.FIELDS
            ],
            "show_names": _names_visible(request, profile),
        },
    )


@login_required
def edition_new(request: HttpRequest) -> HttpResponse:
    """Editors start a new edition that continues the newest one."""
    if not editorial.is_editor(request.user):
        raise Http404
    source = selectors.edition_or_404(None)
    form = EditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            edition = editorial.start_edition(
                user=request.user,
                slug=form.cleaned_data["slug"],
                title=form.cleaned_data["title"],
                reference_date=form.cleaned_data["reference_date"],
                source=source,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Die Ausgabe {edition.title} ist angelegt: "
                f"{edition.profiles.count()} Steckbriefe aus {source.title} übernommen.",
            )
            return redirect(reverse("atlas:profile_list") + f"?ausgabe={edition.slug}")
    return render(
        request,
        "atlas/review/edition_new.html",
        {"form": form, "source": source, "editions": Edition.objects.all()},
        status=400 if form.errors else 200,
    )

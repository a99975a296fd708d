"""Pages of the workspace part "document", relative to /strategie/<kommune>/<arbeitsraum>/:
the strategy paper, its versions and the council decision, the downloads, the JSON transfer
of the whole workspace and the bin.

Included by kompass.strategy.urls inside the strategy namespace.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from kompass.strategy import views_document as views

urlpatterns: list[URLPattern] = [
    path("strategiepapier/", views.document_detail, name="document"),
    path("strategiepapier/anlegen/", views.document_create, name="document_create"),
    path("strategiepapier/aktualisieren/", views.document_refresh, name="document_refresh"),
    path("strategiepapier/abschnitte/<int:pk>/", views.block_edit, name="document_block"),
    path(
        "strategiepapier/abschnitte/<int:pk>/uebernehmen/",
        views.block_reset,
        name="document_block_reset",
    ),
    path("strategiepapier/versionen/", views.document_versions, name="document_versions"),
    path(
        "strategiepapier/versionen/vergleich/",
        views.version_compare,
        name="document_compare",
    ),
    path(
        "strategiepapier/versionen/<int:number>/",
        views.version_detail,
        name="document_version",
    ),
    path("strategiepapier/beschluss/", views.decision_edit, name="document_decision"),
    path(
        "strategiepapier/beschluss/<int:pk>/",
        views.decision_edit,
        name="document_decision_edit",
    ),
    path("strategiepapier.docx", views.document_docx, name="document_docx"),
    path("strategiepapier.pdf", views.document_pdf, name="document_pdf"),
    path("austausch/", views.transfer_page, name="transfer"),
    path("austausch/arbeitsraum.json", views.transfer_export, name="transfer_export"),
    path("austausch/importieren/", views.transfer_import, name="transfer_import"),
    path("papierkorb/", views.bin_list, name="bin"),
    path(
        "papierkorb/<str:model>/<int:pk>/wiederherstellen/",
        views.bin_restore,
        name="bin_restore",
    ),
]

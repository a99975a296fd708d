from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from kompass.accounts import views
from kompass.accounts.forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "konto/anmelden/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("konto/abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "konto/passwort-vergessen/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/email/password_reset_body.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "konto/passwort-vergessen/gesendet/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "konto/passwort-neu/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "konto/passwort-neu/fertig/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("konto/", views.account_overview, name="overview"),
    path("konto/einladen/", views.invite_to_platform, name="invite_to_platform"),
    path("konto/einladung/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("konto/api-schluessel/", views.create_api_token, name="create_api_token"),
    path(
        "konto/api-schluessel/<int:token_id>/widerrufen/",
        views.revoke_api_token,
        name="revoke_api_token",
    ),
    path("kommunen/<slug:slug>/mitglieder/", views.member_list, name="member_list"),
    path(
        "kommunen/<slug:slug>/mitglieder/<int:membership_id>/entfernen/",
        views.remove_member,
        name="remove_member",
    ),
    path(
        "kommunen/<slug:slug>/einladungen/<int:invitation_id>/widerrufen/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
]

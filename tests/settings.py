"""Settings for the test suite: the production settings with test-friendly defaults.

Only defaults are set here, so `DATABASE_URL` from the environment still selects PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("KOMPASS_HTTPS", "false")
os.environ.setdefault("KOMPASS_DATA_DIR", tempfile.mkdtemp(prefix="kompass-test-"))

from kompass.settings import *  # noqa: E402,F403

# Test threads (live server) must not keep connections that block dropping the test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Fast hashing: tests create many users; production keeps Django's default (PBKDF2).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests render templates without running collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise expects it

"""Settings for the test suite: an isolated data directory and inline tasks."""

import os
import tempfile

os.environ.setdefault("NABIJ_ENV", "test")
os.environ.setdefault("NABIJ_DATA_DIR", tempfile.mkdtemp(prefix="nabij-test-"))
os.environ.setdefault("NABIJ_TASK_BACKEND", "immediate")

from nabij.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests

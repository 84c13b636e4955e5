"""Each i18n test starts, and leaves, the thread without an active language.

The test client's requests activate their language (LocaleMiddleware) on this thread and
leave it on; without this, an English request here would make later tests, such as CLI
tests that expect the default language, depend on the order they run in.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _no_language_left_over() -> Iterator[None]:
    translation.deactivate()
    yield
    translation.deactivate()

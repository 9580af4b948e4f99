"""User text shown as literal text in Streamlit's markdown (labels, messages, captions)."""

from __future__ import annotations

import re

# Brackets are enough to stop links and images; parentheses stay readable.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]<>#+|~$])")


def plain(text: object) -> str:
    """Text from a user's file as literal text in Streamlit's markdown.

    >>> plain("**Zaak** <b>[x](javascript:alert(1))</b>")
    '\\\\*\\\\*Zaak\\\\*\\\\* \\\\<b\\\\>\\\\[x\\\\](javascript:alert(1))\\\\</b\\\\>'
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))

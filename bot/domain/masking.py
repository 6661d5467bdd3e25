"""Personal data out of text meant for logs and the audit trail: IIN- and phone-like digits."""

from __future__ import annotations

import re
from collections.abc import Sequence

# An IIN has 12 digits and a phone 10 or 11; people and libraries write them with spaces,
# dashes, brackets or a leading +. Any run of 10+ digits so written is masked but its last 2.
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s\-()]?\d){9,}")


def mask_personal_data(text: str) -> str:
    """Replace IIN- and phone-like digit runs with `***NN` (the last two digits kept)."""
    return _DIGIT_RUN.sub(lambda match: "***" + re.sub(r"\D", "", match.group())[-2:], text)


SECRET_MASK = "***"


def mask_secrets(text: str, secrets: Sequence[str]) -> str:
    """Replace every occurrence of each secret (longest first) with `***`."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, SECRET_MASK)
    return text

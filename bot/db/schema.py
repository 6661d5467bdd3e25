"""The whole schema: every table module registered on the one MetaData."""

from bot.db import (
    forum_tables,  # noqa: F401  (registers its tables)
    outbox_tables,  # noqa: F401  (registers its tables)
    proposal_tables,  # noqa: F401  (registers its tables)
)
from bot.db.tables import metadata

__all__ = ["metadata"]

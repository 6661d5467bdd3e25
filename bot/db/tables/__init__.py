"""The schema as SQLAlchemy Core tables, a module per feature on one MetaData.

Alembic migrations create it; these modules mirror them (a test keeps the two equal).
"""

from bot.db.tables import (
    accounts,  # noqa: F401  (registers its tables)
    approvals,  # noqa: F401  (registers its tables)
    certificates,  # noqa: F401  (registers its tables)
    coauthors,  # noqa: F401  (registers its tables)
    forums,  # noqa: F401  (registers its tables)
    operations,  # noqa: F401  (registers its tables)
    outbox,  # noqa: F401  (registers its tables)
    proposals,  # noqa: F401  (registers its tables)
    registry,  # noqa: F401  (registers its tables)
)
from bot.db.tables.base import metadata

__all__ = ["metadata"]

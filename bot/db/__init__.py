"""Storage: SQLAlchemy Core tables, repositories, migrations and the FSM storage."""

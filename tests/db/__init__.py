"""Repositories, migrations and FSM storage against real databases."""

"""Forums and trainings: the catalog, registration, tickets, check-in, organizers' tools."""

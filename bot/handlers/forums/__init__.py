"""Forums and trainings for members: the catalog, registration, waiting lists, tickets."""

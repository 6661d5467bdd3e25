"""Ratings of trainings: the 1–5 buttons, the optional comment, what organizers read."""

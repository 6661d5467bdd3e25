"""/stats: a forum's figures as a chart (matplotlib), for its organizers."""

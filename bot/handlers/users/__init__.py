"""/language: choose Kazakh, Russian or English."""

"""Certificates of attendance: the PDF, its notice, and checking one by its code."""

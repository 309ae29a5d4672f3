"""Definitions shared by every room of botwatch: paths and the canonical raw schema."""

"""Contracts services: steps."""

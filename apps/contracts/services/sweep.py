"""Contracts services: sweep."""

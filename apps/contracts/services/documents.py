"""Contracts services: documents."""

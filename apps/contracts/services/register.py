"""Contracts services: register."""

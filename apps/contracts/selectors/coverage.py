"""Contracts selectors: coverage."""

"""Contracts selectors: contracts."""

"""The dues app's views, one module per part (see apps.dues.urls)."""

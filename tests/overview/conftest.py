import pytest


@pytest.fixture
def default_scheme(db):
    """The default scoring schemes the data migration ships (2025, 2026): a transactional test
    elsewhere in the run flushes the tables the migration filled, so put them back."""
    from apps.overview.default_scheme import install_default_scheme
    from apps.overview.models import Deduction, SchemeItem, ScoreBand, ScoringScheme, VetoItem

    for year in (2025, 2026):
        install_default_scheme(ScoringScheme, SchemeItem, ScoreBand, Deduction, VetoItem, year=year)

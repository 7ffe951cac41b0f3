"""After the other apps' demo data: compute the home page's figures once, so they show at once."""


def seed():
    from .services import unit_summaries_refresh

    unit_summaries_refresh()
    return []

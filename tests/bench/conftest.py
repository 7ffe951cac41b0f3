"""The generator's per-stage tests share one way of making their dataset: generated once per
module at the module's SCALE, SEED and TODAY, rolled back at its end."""

import pytest
from django.db import transaction

from apps.bench.generator import generate_dataset


@pytest.fixture(scope="module")
def generated(request, django_db_setup, django_db_blocker):
    """The dataset generated once for the module (its SCALE, SEED, TODAY), rolled back at its end."""
    module = request.module
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate_dataset(scale=module.SCALE, seed=module.SEED, today=module.TODAY)
        transaction.set_rollback(True)


@pytest.fixture
def dataset(generated, db):
    return generated

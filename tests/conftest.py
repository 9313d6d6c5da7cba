import os

import pytest

from tests import factories

# Sync Playwright runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def store(db):
    return factories.StoreProfileFactory()


@pytest.fixture
def owner(db):
    return factories.owner()


@pytest.fixture
def staff(db):
    return factories.staff()


@pytest.fixture
def viewer(db):
    return factories.viewer()


@pytest.fixture
def agent(db):
    return factories.ShippingAgentFactory()


@pytest.fixture
def confirmed_purchase(store):
    return factories.purchase_with_items(own=2, quantity=2)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (login-failure counts must not leak between tests)."""
    from django.core.cache import cache

    cache.clear()
    yield

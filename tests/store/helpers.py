import pytest

from webapp.store import StoreError


def fails(code: str, status: int, operation, *args, **kwargs) -> StoreError:
    """Run a service call that must be refused with this code and HTTP status."""
    with pytest.raises(StoreError) as caught:
        operation(*args, **kwargs)
    assert (caught.value.code, caught.value.status) == (code, status)
    return caught.value

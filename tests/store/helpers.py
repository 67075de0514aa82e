import pytest

from webapp.store import StoreError, members, timeutil


def fails(code: str, status: int, operation, *args, **kwargs) -> StoreError:
    """Run a service call that must be refused with this code and HTTP status."""
    with pytest.raises(StoreError) as caught:
        operation(*args, **kwargs)
    assert (caught.value.code, caught.value.status) == (code, status)
    return caught.value


def answer(error: StoreError) -> tuple:
    """Everything a caller sees of a refusal: status, code and message in both languages."""
    return error.status, error.code, error.message("zh"), error.message("en")


def member(session, phone: str):
    """A member as after a verified SMS sign-in (what ``members.member_for_token`` gives a route)."""
    found = members.get_or_create_member(session, phone, timeutil.now())
    session.commit()
    return found

"""Access log lines keep no phone numbers, phone digits or booking codes."""

from types import SimpleNamespace

from gunicorn.config import Config

from webapp.logmask import MaskingLogger, mask


def test_personal_data_in_request_lines_is_masked():
    assert (
        mask("GET /api/v1/members/13912345678/coupons HTTP/1.1") == "GET /api/v1/members/139****5678/coupons HTTP/1.1"
    )
    assert (
        mask("GET /api/v1/repairs/R-20417?phone_last4=5678&lang=en")
        == "GET /api/v1/repairs/R-20417?phone_last4=****&lang=en"
    )
    assert mask("POST /api/v1/bookings/BK7KQ2M9/cancel") == "POST /api/v1/bookings/****/cancel"
    assert mask("GET /api/v1/bookings/q3vX_0f9aZ-2bLw8Tt4Yk1sR?x=1") == "GET /api/v1/bookings/****?x=1"
    assert mask("referer: /planner?phone=139%201234%205678") == "referer: /planner?phone=139****5678"
    assert mask("GET /api/v1/stores?lat=31.2304&lon=121.4737") == "GET /api/v1/stores?lat=31.2304&lon=121.4737"


def test_gunicorn_access_atoms_are_masked():
    logger = MaskingLogger(Config())
    request = SimpleNamespace(
        method="GET",
        path="/api/v1/repairs/R-20417",
        query="phone_last4=1234",
        uri=None,
        version=(1, 1),
        headers=[],
        remote_addr=None,
    )
    request.uri = request.path + "?" + request.query
    response = SimpleNamespace(status="200 OK", response_length=10, sent=10, headers=[])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": request.uri,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": request.query,
        "PATH_INFO": request.path,
        "HTTP_REFERER": "/x?p=13912345678",
    }
    atoms = logger.atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=1000))
    assert "1234" not in atoms["q"] and "1234" not in atoms["r"]
    assert "13912345678" not in atoms["f"]

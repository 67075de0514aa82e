"""What every page knows about its request: language, kiosk mode, and the language switch."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit


class Links(HTMLParser):
    """The page's links by their text, and its scripts."""

    def __init__(self):
        super().__init__()
        self.links, self.scripts, self._href = {}, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self._href = attrs.get("href")
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])

    def handle_data(self, data):
        if self._href is not None and data.strip():
            self.links[data.strip()] = self._href
            self._href = None


def parse(response) -> Links:
    assert response.status_code == 200
    links = Links()
    links.feed(response.get_data(as_text=True))
    return links


def test_home_page_in_both_languages(client):
    assert "到店前，先试一试" in client.get("/").get_data(as_text=True)
    assert "Try it before you go" in client.get("/?lang=en").get_data(as_text=True)
    assert "Try it before you go" in client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True
    )


def test_language_switch_keeps_the_page_and_its_arguments(client):
    page = parse(client.get("/makeup?kiosk=1&sku=LIP-103"))
    english = urlsplit(page.links["EN"])
    assert english.path == "/makeup"
    assert parse_qs(english.query) == {"kiosk": ["1"], "sku": ["LIP-103"], "lang": ["en"]}
    viewer = urlsplit(parse(client.get("/furniture/FUR-OSLO-3S?lang=en&sku=FUR-LUND-BS")).links["中文"])
    assert (viewer.path, parse_qs(viewer.query)) == ("/furniture/FUR-OSLO-3S", {"lang": ["zh"]})


def test_kiosk_pages_stay_put_and_reset_when_idle(client):
    for url in ("/makeup?kiosk=1", "/planner?kiosk=1&lang=en", "/furniture/FUR-OSLO-3S?kiosk=1"):
        page = parse(client.get(url))
        assert "StoreLens" not in page.links, url  # the brand is not a way out to the rest of the site
        assert "/static/kiosk.js" in page.scripts, url
    shop = parse(client.get("/makeup"))
    assert shop.links["StoreLens"].startswith("/") and "/static/kiosk.js" not in shop.scripts

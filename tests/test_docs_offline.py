"""The interactive documentation loads from the service itself: no CDN, so it works offline."""

import re

from fastapi.testclient import TestClient


def test_the_docs_page_loads_only_from_the_service(client: TestClient) -> None:
    page = client.get("/docs")
    assets = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text)
    origin = client.base_url.copy_with(path="/")

    loaded = {url: client.get(str(origin.join(url))) for url in assets}

    assert page.status_code == 200
    assert not re.search(r"https?://", page.text), "the page names another host"
    assert {url.split("?")[0].rsplit("/", 1)[-1] for url in assets} >= {
        "swagger-ui-bundle.js",
        "swagger-ui.css",
    }
    assert {url: r.status_code for url, r in loaded.items()} == dict.fromkeys(loaded, 200)
    assert "SwaggerUIBundle" in next(r.text for u, r in loaded.items() if u.count(".js"))

"""The OpenAPI schema and the docs page, both served without any CDN."""

from django.urls import reverse


def test_schema_is_openapi_3_and_lists_every_endpoint(db, anon_api):
    response = anon_api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/regions/", "/api/v1/organisations/", "/api/v1/indicators/", "/api/v1/data-values/"):
        assert path in schema["paths"]
    for step in ("submit", "approve", "return", "unlock", "lock", "waive", "unwaive"):
        assert schema["paths"][f"/api/v1/monthly-returns/{{id}}/{step}/"]["post"]["summary"]
    patch = schema["paths"]["/api/v1/monthly-returns/{id}/"]["patch"]["requestBody"]["content"]["application/json"]
    body = schema["components"]["schemas"][patch["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert "version" in body["required"]  # optimistic locking: a PATCH must say which version it read
    errors = schema["paths"]["/api/v1/regions/{id}/"]["get"]["responses"]
    assert errors["404"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"


def test_docs_page_renders_from_the_schema_without_external_assets(db, client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/data-values/" in html and "Authorization: Token" in html
    assert "cdn" not in html.lower() and "https://" not in html

"""The conformance gateway's one target: an OpenAPI document over the shared test upstream.

It serves the suite's fixture tools that an OpenAPI upstream can provide, under the suite's names (the
gateways under test have one target and serve names unprefixed): plain text, an image, audio, a binary body
(an embedded resource) and an upstream failure. The first tool takes
no arguments, as the 2026-07-28 ``http-header-validation`` scenario calls the first listed tool with
``{}``. Every tool has a description (``tools-list`` requires one).
"""

from __future__ import annotations

from typing import Any

TARGET = "fixtures"


def _get(operation_id: str, summary: str) -> dict[str, Any]:
    return {"get": {"operationId": operation_id, "summary": summary, "responses": {"200": {"description": "ok"}}}}


def fixture_spec(base_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.0.1",
        "info": {"title": "MCP conformance fixtures", "version": "1.0"},
        "servers": [{"url": base_url}],
        "paths": {
            "/text": _get("test_simple_text", "Returns a plain-text body (text content)."),
            "/image": _get("test_image_content", "Returns a PNG image (image content)."),
            "/audio": _get("test_audio_content", "Returns a WAV file (audio content)."),
            "/binary": _get("test_embedded_resource", "Returns a PDF body (an embedded blob resource)."),
            "/fail": _get("test_error_handling", "Always fails with HTTP 500 (an isError result)."),
        },
    }

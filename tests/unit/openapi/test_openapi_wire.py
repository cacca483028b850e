"""What reaches the upstream, checked on a real echo server through a real gatewright process: every
parameter style/explode, exact wire names, and every body kind; and how non-JSON responses come back."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import unquote

import pytest

from gatewright.targets.rest.request import build_request
from support.gateway import create_gateway, openapi_target, rpc
from support.upstream import PNG, Upstream

JSON = dict[str, Any]
PRIMITIVE, ARRAY, OBJECT = "blue", ["blue", "black", "brown"], {"R": 100, "G": 200, "B": 150}
# (location, style, explode) -> what OpenAPI's style table says for the primitive, the array and the object
STYLES: dict[tuple[str, str, bool], tuple[str, str, str]] = {
    ("path", "simple", False): ("blue", "blue,black,brown", "R,100,G,200,B,150"),
    ("path", "simple", True): ("blue", "blue,black,brown", "R=100,G=200,B=150"),
    ("path", "label", False): (".blue", ".blue,black,brown", ".R,100,G,200,B,150"),
    ("path", "label", True): (".blue", ".blue.black.brown", ".R=100.G=200.B=150"),
    ("path", "matrix", False): (";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"),
    ("path", "matrix", True): (";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"),
    ("query", "form", False): ("color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"),
    ("query", "form", True): ("color=blue", "color=blue&color=black&color=brown", "R=100&G=200&B=150"),
    ("query", "spaceDelimited", False): (
        "color=blue",
        "color=blue%20black%20brown",
        "color=R%20100%20G%20200%20B%20150",
    ),
    ("query", "pipeDelimited", False): (
        "color=blue",
        "color=blue%7Cblack%7Cbrown",
        "color=R%7C100%7CG%7C200%7CB%7C150",
    ),
    ("query", "deepObject", True): ("color=blue", "color=blue,black,brown", "color[R]=100&color[G]=200&color[B]=150"),
    ("header", "simple", False): ("blue", "blue,black,brown", "R,100,G,200,B,150"),
    ("header", "simple", True): ("blue", "blue,black,brown", "R=100,G=200,B=150"),
    ("cookie", "form", False): ("color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"),
    ("cookie", "form", True): ("color=blue", "color=blue; color=black; color=brown", "R=100; G=200; B=150"),
}


def _op_id(location: str, style: str, explode: bool) -> str:
    return f"{location}_{style}_{'x' if explode else 'n'}"


def _spec(base: str) -> JSON:
    paths: JSON = {}
    for location, style, explode in STYLES:
        name = "X-Color" if location == "header" else "color"
        param = {"name": name, "in": location, "style": style, "explode": explode, "required": True, "schema": {}}
        op = {"operationId": _op_id(location, style, explode), "parameters": [param], "responses": {}}
        tail = "/{color}" if location == "path" else ""
        paths[f"/echo/{location}/{style}/{int(explode)}{tail}"] = {"get": op}
    paths["/echo/names/{id}"] = {
        "post": {
            "operationId": "names",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "$filter", "in": "query", "schema": {"type": "string"}},
                {"name": "page[size]", "in": "query", "schema": {"type": "integer"}},
                {"name": "id", "in": "query", "schema": {"type": "string"}},
                {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
            ],
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"id": {"type": "string"}, "_links": {"type": "object"}},
                        }
                    }
                }
            },
            "responses": {"200": {"description": "ok"}},
        }
    }
    bodies = {
        "form": (
            "application/x-www-form-urlencoded",
            {
                "type": "object",
                "properties": {"a": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}},
            },
        ),
        "multipart": (
            "multipart/form-data",
            {
                "type": "object",
                "properties": {
                    "note": {"type": "string"},
                    "meta": {"type": "object"},
                    "doc": {"type": "string", "format": "binary"},
                },
            },
        ),
        "text": ("text/plain", {"type": "string"}),
        "raw": ("application/octet-stream", {"type": "string", "format": "binary"}),
    }
    for name, (media, schema) in bodies.items():
        paths[f"/echo/body/{name}"] = {
            "post": {
                "operationId": f"body_{name}",
                "requestBody": {"required": True, "content": {media: {"schema": schema}}},
                "responses": {"200": {"description": "ok"}},
            }
        }
    paths["/image"] = {"get": {"operationId": "image", "responses": {"200": {"description": "png"}}}}
    paths["/text"] = {"get": {"operationId": "text", "responses": {"200": {"description": "text"}}}}
    return {"openapi": "3.0.3", "info": {"title": "echo", "version": "1"}, "servers": [{"url": base}], "paths": paths}


@pytest.fixture(scope="module")
def echo(control: Any, upstream: Upstream) -> str:
    gateway = create_gateway(control, "echo-wire")
    target = openapi_target(control, gateway["gatewayId"], "echo", _spec(upstream.url))
    assert target["status"] == "READY", target["statusReasons"]
    url: str = gateway["gatewayUrl"]
    return url


def _call(url: str, tool: str, arguments: JSON) -> JSON:
    reply = rpc(url, "tools/call", {"name": f"echo___{tool}", "arguments": arguments}).json()
    assert "result" in reply, reply
    result: JSON = reply["result"]
    return result


def _seen(url: str, tool: str, arguments: JSON) -> JSON:
    result = _call(url, tool, arguments)
    assert result["isError"] is False, result
    seen: JSON = json.loads(result["content"][0]["text"])
    return seen


@pytest.mark.parametrize(("location", "style", "explode"), list(STYLES))
def test_parameter_styles_on_the_wire(echo: str, location: str, style: str, explode: bool) -> None:
    expected = STYLES[(location, style, explode)]
    for value, want in zip((PRIMITIVE, ARRAY, OBJECT), expected, strict=True):
        if style == "deepObject" and value is not OBJECT:
            continue
        seen = _seen(echo, _op_id(location, style, explode), {"X-Color" if location == "header" else "color": value})
        if location == "path":
            assert seen["path"].rsplit("/", 1)[1] == want
        elif location == "query":
            assert seen["query"] == unquote(want)  # the echo server shows the decoded query
        elif location == "header":
            assert seen["headers"]["x-color"] == want
        else:
            assert seen["headers"]["cookie"] == want


def test_raw_query_keeps_delimiters_exact() -> None:
    binding = {
        "method": "GET",
        "path": "/q",
        "params": [
            {"prop": "c", "in": "query", "name": "color", "style": "form", "explode": False},
            {"prop": "f", "in": "query", "name": "$filter", "style": "form", "explode": True},
            {"prop": "p", "in": "query", "name": "page[size]", "style": "form", "explode": True},
        ],
        "body": None,
    }
    request = build_request(binding, "https://x", {"c": ["a,b", "c"], "f": "name eq 'x'", "p": 5})
    assert request.url == "https://x/q?color=a%2Cb,c&%24filter=name%20eq%20%27x%27&page[size]=5"


def test_exact_wire_names_and_collisions(echo: str) -> None:
    listed = rpc(echo, "tools/list").json()["result"]["tools"]
    names = next(t for t in listed if t["name"] == "echo___names")
    assert set(names["inputSchema"]["properties"]) == {
        "id",
        "filter",
        "page_size",
        "id_query",
        "X-Trace",
        "id_body",
        "links",
    }
    seen = _seen(
        echo,
        "names",
        {
            "id": "a/b",
            "filter": "x",
            "page_size": 2,
            "id_query": "q",
            "X-Trace": "t",
            "id_body": "b",
            "links": {"self": 1},
        },
    )
    assert seen["path"] == "/echo/names/a%2Fb"
    assert seen["query"] == "$filter=x&page[size]=2&id=q"
    assert seen["headers"]["x-trace"] == "t"
    assert json.loads(seen["body"]) == {"id": "b", "_links": {"self": 1}}


def test_header_injection_is_refused(echo: str) -> None:
    result = _call(echo, "names", {"id": "1", "X-Trace": "a\r\nX-Evil: 1"})
    assert result["isError"] is True


def test_form_body(echo: str) -> None:
    seen = _seen(echo, "body_form", {"a": "x y&z", "tags": ["p", "q"]})
    assert seen["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert seen["body"] == "a=x%20y%26z&tags=p&tags=q"


def test_multipart_body_with_a_file(echo: str) -> None:
    content = base64.b64encode(b"hello file").decode()
    seen = _seen(
        echo,
        "body_multipart",
        {"note": "hi", "meta": {"k": 1}, "doc": {"content": content, "filename": "a.txt", "contentType": "text/plain"}},
    )
    ctype = seen["headers"]["content-type"]
    assert ctype.startswith("multipart/form-data; boundary=")
    body = seen["body"]
    assert 'name="note"' in body
    assert "\r\n\r\nhi\r\n" in body
    assert '{"k":1}' in body
    assert 'name="doc"; filename="a.txt"' in body
    assert "hello file" in body
    bad = _call(echo, "body_multipart", {"doc": {"content": "%%%"}})
    assert bad["isError"] is True


def test_text_and_raw_bodies(echo: str) -> None:
    seen = _seen(echo, "body_text", {"body": "plain text"})
    assert (seen["headers"]["content-type"], seen["body"]) == ("text/plain", "plain text")
    seen = _seen(echo, "body_raw", {"body": base64.b64encode(b"\x00\x01raw").decode()})
    assert seen["headers"]["content-type"] == "application/octet-stream"
    assert seen["body"].endswith("raw")


def test_non_json_responses(echo: str) -> None:
    text = _call(echo, "text", {})
    assert text["content"] == [{"type": "text", "text": "plain words"}]
    assert "structuredContent" not in text
    image = _call(echo, "image", {})
    assert image["content"][0]["type"] == "image"
    assert base64.b64decode(image["content"][0]["data"]) == PNG

"""An MCP server with the conformance suite's fixtures, on the Python SDK (mcp 2.3.0 ``MCPServer``).

The suite's reference everything-server (python-sdk ``examples/servers/everything-server``) is not on PyPI;
this is an equivalent written against mcp 2.3.0: the ``test_*`` tools, resources, template, prompts and
completion that the 0.1.16 scenarios look up by name (docs/conformance.md), plus a few tools the gateway's
own tests use (``whoami``, ``echo_headers``, ``add_tool``, ``slow``; resource ``test://whoami``).

Run as a process (tests start it with ``support.mcp_servers``)::

    python -P tests/support/everything_server.py --port 3101 [--stateless] [--json] [--require-bearer]

(``-P``: the script's folder holds ``support/mcp.py``, which must not shadow the ``mcp`` package.)

``--require-bearer`` answers 401 to any request without ``Authorization: Bearer ...`` (outbound-auth tests);
``echo_headers`` shows what arrived. It binds 127.0.0.1 only and keeps the SDK's DNS-rebinding protection.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
from typing import Any

import uvicorn
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.prompts.base import UserMessage
from mcp.server.streamable_http import EventCallback, EventMessage, EventStore
from mcp.shared.exceptions import MCPError
from mcp.types import (
    AudioContent,
    Completion,
    EmbeddedResource,
    EmptyResult,
    ImageContent,
    JSONRPCMessage,
    SamplingMessage,
    SetLevelRequestParams,
    SubscribeRequestParams,
    TextContent,
    TextResourceContents,
    UnsubscribeRequestParams,
)

IMAGE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
AUDIO = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA="
# JSON Schema 2020-12 keywords a server must keep verbatim (SEP-1613; SEP-2106 at 2026-07-28: composition,
# conditionals, $anchor); every argument is optional, so {} is valid.
SCHEMA_2020_12 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "$defs": {
        "address": {
            "$anchor": "address",
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
        }
    },
    "properties": {"name": {"type": "string"}, "kind": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
    "additionalProperties": False,
    "allOf": [{"anyOf": [{"required": ["name"]}, {"required": ["address"]}, {"maxProperties": 0}]}],
    "if": {"properties": {"kind": {"const": "business"}}, "required": ["kind"]},
    "then": {"required": ["name"]},
    "else": {},
}
DEFAULTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "User name", "default": "John Doe"},
        "age": {"type": "integer", "description": "User age", "default": 30},
        "score": {"type": "number", "description": "User score", "default": 95.5},
        "status": {
            "type": "string",
            "description": "User status",
            "enum": ["active", "inactive", "pending"],
            "default": "active",
        },
        "verified": {"type": "boolean", "description": "Verification status", "default": True},
    },
}
ENUMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "untitledSingle": {"type": "string", "enum": ["option1", "option2", "option3"]},
        "titledSingle": {
            "type": "string",
            "oneOf": [
                {"const": "value1", "title": "First Option"},
                {"const": "value2", "title": "Second Option"},
                {"const": "value3", "title": "Third Option"},
            ],
        },
        "legacyEnum": {
            "type": "string",
            "enum": ["opt1", "opt2", "opt3"],
            "enumNames": ["Option One", "Option Two", "Option Three"],
        },
        "untitledMulti": {"type": "array", "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
        "titledMulti": {
            "type": "array",
            "items": {
                "anyOf": [
                    {"const": "value1", "title": "First Choice"},
                    {"const": "value2", "title": "Second Choice"},
                    {"const": "value3", "title": "Third Choice"},
                ]
            },
        },
    },
}


class MemoryEventStore(EventStore):
    """Events kept in memory, so a stream the server closes early can be resumed (SSE polling)."""

    def __init__(self) -> None:
        self._events: list[tuple[str, str, JSONRPCMessage | None]] = []

    async def store_event(self, stream_id: str, message: JSONRPCMessage | None) -> str:
        event_id = str(len(self._events) + 1)
        self._events.append((stream_id, event_id, message))
        return event_id

    async def replay_events_after(self, last_event_id: str, send_callback: EventCallback) -> str | None:
        stream = next((s for s, e, _ in self._events if e == last_event_id), None)
        if stream is None:
            return None
        for stream_id, event_id, message in self._events:
            if stream_id == stream and int(event_id) > int(last_event_id) and message is not None:
                await send_callback(EventMessage(message, event_id))
        return stream


def build(label: str = "everything") -> MCPServer:
    mcp = MCPServer("gatewright-everything", version="1.0.0", instructions="Conformance fixtures for gatewright tests")

    @mcp.tool(description="Names this server (its --label)")
    def whoami() -> str:
        return label

    @mcp.resource("test://whoami", description="Names this server (its --label)")
    def whoami_resource() -> str:
        return label

    @mcp.tool(description="Tests simple text content response")
    def test_simple_text() -> str:
        return "This is a simple text response for testing."

    @mcp.tool(description="Tests image content response")
    def test_image_content() -> list[ImageContent]:
        return [ImageContent(type="image", data=IMAGE, mime_type="image/png")]

    @mcp.tool(description="Tests audio content response")
    def test_audio_content() -> list[AudioContent]:
        return [AudioContent(type="audio", data=AUDIO, mime_type="audio/wav")]

    def _text_resource(uri: str, text: str, mime: str = "text/plain") -> EmbeddedResource:
        return EmbeddedResource(type="resource", resource=TextResourceContents(uri=uri, mime_type=mime, text=text))

    @mcp.tool(description="Tests embedded resource content response")
    def test_embedded_resource() -> list[EmbeddedResource]:
        return [_text_resource("test://embedded-resource", "This is an embedded resource content.")]

    @mcp.tool(description="Tests response with multiple content types (text, image, resource)")
    def test_multiple_content_types() -> list[TextContent | ImageContent | EmbeddedResource]:
        return [
            TextContent(type="text", text="Multiple content types test:"),
            ImageContent(type="image", data=IMAGE, mime_type="image/png"),
            _text_resource("test://mixed-content-resource", '{"test": "data", "value": 123}', "application/json"),
        ]

    @mcp.tool(description="Tests tool that emits log messages during execution")
    async def test_tool_with_logging(ctx: Context) -> str:
        for step in ("Tool execution started", "Tool processing data", "Tool execution completed"):
            await ctx.info(step)
            await asyncio.sleep(0.05)
        return "Tool with logging executed successfully"

    @mcp.tool(description="Tests tool that reports progress notifications")
    async def test_tool_with_progress(ctx: Context) -> str:
        for done in (0, 50, 100):
            await ctx.report_progress(progress=done, total=100, message=f"Completed step {done} of 100")
            await asyncio.sleep(0.05)
        return "Progress test completed"

    @mcp.tool(description="Tests server-initiated sampling (LLM completion request)")
    async def test_sampling(prompt: str, ctx: Context) -> str:
        session = ctx.request_context.session
        result = await session.create_message(
            messages=[SamplingMessage(role="user", content=TextContent(type="text", text=prompt))],
            max_tokens=100,
            related_request_id=ctx.request_id,
        )
        content = result.content
        return f"LLM response: {content.text if isinstance(content, TextContent) else 'No response'}"

    async def _elicit(ctx: Context, message: str, schema: dict[str, Any]) -> str:
        session = ctx.request_context.session
        result = await session.elicit_form(message, schema, related_request_id=ctx.request_id)
        return f"action={result.action}, content={json.dumps(result.content or {})}"

    @mcp.tool(description="Tests server-initiated elicitation (user input request)")
    async def test_elicitation(message: str, ctx: Context) -> str:
        schema = {"type": "object", "properties": {"response": {"type": "string", "description": "User's response"}}}
        return "User response: " + await _elicit(ctx, message, schema)

    @mcp.tool(description="Tests elicitation with default values for all primitive types (SEP-1034)")
    async def test_elicitation_sep1034_defaults(ctx: Context) -> str:
        return "Elicitation result: " + await _elicit(ctx, "Please provide user information", DEFAULTS_SCHEMA)

    @mcp.tool(description="Tests elicitation with enum schema variations (SEP-1330)")
    async def test_elicitation_sep1330_enums(ctx: Context) -> str:
        return "Elicitation completed: " + await _elicit(ctx, "Please select options", ENUMS_SCHEMA)

    @mcp.tool(description="Tests error response handling")
    def test_error_handling() -> str:
        raise RuntimeError("This tool intentionally returns an error for testing")

    @mcp.tool(description="Tool with JSON Schema 2020-12 features")
    def json_schema_2020_12_tool(name: str = "", address: dict[str, Any] | None = None) -> str:
        return json.dumps({"name": name, "address": address})

    @mcp.tool(description="Needs the client's sampling capability (2026-07-28 server-stateless)")
    def test_missing_capability(ctx: Context) -> str:
        declared = ctx.client_capabilities
        if declared is None or declared.sampling is None:
            raise MCPError(-32021, "Missing required client capability", {"requiredCapabilities": {"sampling": {}}})
        return "the client declared sampling"

    @mcp.tool(description="Logs at info level (2026-07-28: only when the request carries a logLevel)")
    async def test_logging_tool(ctx: Context) -> str:
        await ctx.info("test_logging_tool ran")
        return "logged"

    @mcp.tool(description="Tests SSE polling by closing the stream mid-call (SEP-1699)")
    async def test_reconnection(ctx: Context) -> str:
        await ctx.info("Before disconnect")
        await ctx.close_sse_stream()
        await asyncio.sleep(0.2)
        await ctx.info("After reconnect")
        return "Reconnection test completed"

    @mcp.tool(description="Returns the request headers the server received (gatewright tests)")
    def echo_headers(ctx: Context) -> str:
        return json.dumps(dict(ctx.headers or {}))

    @mcp.tool(description="Registers a new tool named `name` (gatewright tests of listing modes)")
    def add_tool(name: str) -> str:
        def added() -> str:
            return f"I am {name}"

        mcp.add_tool(added, name=name, description=f"Added at run time: {name}")
        return f"added {name}"

    @mcp.tool(description="Sleeps `seconds`, then answers (gatewright tests of timeouts)")
    async def slow(seconds: float) -> str:
        await asyncio.sleep(seconds)
        return f"slept {seconds}"

    mcp._tool_manager.get_tool("json_schema_2020_12_tool").parameters = SCHEMA_2020_12  # type: ignore[union-attr]

    @mcp.resource("test://static-text", description="A static text resource for testing")
    def static_text() -> str:
        return "This is the content of the static text resource."

    @mcp.resource("test://static-binary", description="A static binary resource (image) for testing")
    def static_binary() -> bytes:
        return base64.b64decode(IMAGE)

    @mcp.resource("test://template/{id}/data", description="A resource template with parameter substitution")
    def template(id: str) -> str:
        return json.dumps({"id": id, "templateTest": True, "data": f"Data for ID: {id}"})

    @mcp.resource("test://watched-resource", description="A resource that can be subscribed to")
    def watched() -> str:
        return "Watched resource content"

    @mcp.prompt(description="A simple prompt without arguments")
    def test_simple_prompt() -> list[UserMessage]:
        return [UserMessage(content=TextContent(type="text", text="This is a simple prompt for testing."))]

    @mcp.prompt(description="A prompt with required arguments")
    def test_prompt_with_arguments(arg1: str, arg2: str) -> list[UserMessage]:
        text = f"Prompt with arguments: arg1='{arg1}', arg2='{arg2}'"
        return [UserMessage(content=TextContent(type="text", text=text))]

    @mcp.prompt(description="A prompt that includes an embedded resource")
    def test_prompt_with_embedded_resource(resourceUri: str) -> list[UserMessage]:  # the suite names it resourceUri
        return [
            UserMessage(content=_text_resource(resourceUri, "Embedded resource content for testing.")),
            UserMessage(content=TextContent(type="text", text="Please process the embedded resource above.")),
        ]

    @mcp.prompt(description="A prompt that includes image content")
    def test_prompt_with_image() -> list[UserMessage]:
        return [
            UserMessage(content=ImageContent(type="image", data=IMAGE, mime_type="image/png")),
            UserMessage(content=TextContent(type="text", text="Please analyze the image above.")),
        ]

    async def complete(ref: Any, argument: Any, context: Any) -> Completion:
        values = [v for v in ("paris", "park", "party") if v.startswith(argument.value or "")]
        return Completion(values=values, total=len(values), has_more=False)

    mcp.completion()(complete)  # type: ignore[no-untyped-call]  # the SDK's decorator is untyped

    async def set_level(ctx: Any, params: SetLevelRequestParams) -> EmptyResult:
        return EmptyResult()

    async def subscribe(ctx: Any, params: SubscribeRequestParams | UnsubscribeRequestParams) -> EmptyResult:
        return EmptyResult()

    lowlevel = mcp._lowlevel_server
    lowlevel.add_request_handler("logging/setLevel", SetLevelRequestParams, set_level)
    lowlevel.add_request_handler("resources/subscribe", SubscribeRequestParams, subscribe)
    lowlevel.add_request_handler("resources/unsubscribe", UnsubscribeRequestParams, subscribe)
    return mcp


class _RequireBearer:
    """401 for any request without a bearer token (the SDK's own auth needs an authorization server)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            if not headers.get(b"authorization", b"").lower().startswith(b"bearer "):
                body = b'{"error":"invalid_token"}'
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--stateless", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--require-bearer", action="store_true")
    parser.add_argument("--label", default="everything", help="what whoami and test://whoami answer")
    args = parser.parse_args()
    mcp = build(args.label)
    app: Any = mcp.streamable_http_app(
        json_response=args.json,
        stateless_http=args.stateless,
        event_store=None if args.stateless else MemoryEventStore(),
        retry_interval=100,
        host="127.0.0.1",
    )
    if args.require_bearer:
        app = _RequireBearer(app)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()

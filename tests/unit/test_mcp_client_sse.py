"""The SSE reader of the upstream MCP client (``gatewright.upstream.sse``)."""

from __future__ import annotations

import pytest

from gatewright.upstream.sse import EventTooLarge, SseReader


def test_events_split_across_chunks_and_line_endings() -> None:
    reader = SseReader(max_bytes=1024)
    assert reader.feed(b'event: message\r\ndata: {"a":') == []
    assert reader.feed(b"1}\r\nid: 7\r\n") == []
    events = reader.feed(b"\r\n: a comment\n\ndata: x\ndata: y\n\n")
    assert [(e.event, e.data, e.id) for e in events] == [("message", '{"a":1}', "7"), ("message", "x\ny", "7")]
    assert reader.last_id == "7"  # the id persists across events, as Last-Event-ID needs


def test_priming_events_retry_and_unknown_fields() -> None:
    reader = SseReader(max_bytes=1024)
    events = reader.feed(b"id: p1\nretry: 250\ndata:\n\nfoo: bar\n\n")
    assert [(e.data, e.id, e.retry) for e in events] == [("", "p1", 250), ("", "p1", None)]
    assert reader.retry == 250
    assert reader.feed(b"data:no-space\n\n")[0].data == "no-space"


@pytest.mark.parametrize("chunk", [b"data: " + b"x" * 100 + b"\n", b"data: " + b"x" * 100])
def test_an_event_larger_than_the_bound_is_refused(chunk: bytes) -> None:
    with pytest.raises(EventTooLarge):
        SseReader(max_bytes=64).feed(chunk)

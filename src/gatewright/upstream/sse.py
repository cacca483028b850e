"""An incremental reader of ``text/event-stream`` bodies (the WHATWG server-sent events format).

Fed with the body's chunks as they arrive, it returns the complete events: ``data`` lines joined with
``\\n``, the last ``id`` and ``retry`` seen. Comment lines (``:``) and unknown fields are skipped. One event
(or one unterminated line) larger than ``max_bytes`` is refused, so a server cannot make the reader buffer
without bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class EventTooLarge(Exception):
    pass


@dataclass
class Event:
    data: str = ""
    event: str = "message"
    id: str | None = None
    retry: int | None = None


@dataclass
class SseReader:
    max_bytes: int
    _buffer: bytearray = field(default_factory=bytearray)
    _data: list[str] = field(default_factory=list)
    _size: int = 0
    _event: str = ""
    _id: str | None = None
    _retry: int | None = None
    _retry_ms: int | None = None
    _seen: bool = False

    @property
    def last_id(self) -> str | None:
        """The last event id seen (what ``Last-Event-ID`` carries when the stream is resumed)."""
        return self._id

    @property
    def retry(self) -> int | None:
        """The reconnection delay the server asked for, in milliseconds."""
        return self._retry_ms

    def feed(self, chunk: bytes) -> list[Event]:
        self._buffer += chunk
        events: list[Event] = []
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                break
            line = bytes(self._buffer[:end]).rstrip(b"\r")
            del self._buffer[: end + 1]
            event = self._line(line.decode("utf-8", "replace"))
            if event is not None:
                events.append(event)
        if len(self._buffer) > self.max_bytes:
            raise EventTooLarge(f"an event stream line is larger than {self.max_bytes} bytes")
        return events

    def _line(self, line: str) -> Event | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        self._seen = True
        if name == "data":
            self._size += len(value) + 1
            if self._size > self.max_bytes:
                raise EventTooLarge(f"an event is larger than {self.max_bytes} bytes")
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = self._retry_ms = int(value)
        return None

    def _dispatch(self) -> Event | None:
        if not self._seen:
            return None
        event = Event("\n".join(self._data), self._event or "message", self._id, self._retry)
        self._data, self._size, self._event, self._retry, self._seen = [], 0, "", None, False
        return event

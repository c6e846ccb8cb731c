"""Media types: parsing `Content-Type`, matching declared media ranges, negotiating `Accept` (RFC 9110 12.5.1)."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from contract_runtime.contract import BINARY, FORM, JSON, MULTIPART, TEXT, XML, MediaSpec


@dataclass(frozen=True)
class MediaType:
    type: str
    subtype: str
    params: dict[str, str]

    @property
    def essence(self) -> str:
        return f"{self.type}/{self.subtype}"


_PARAM = re.compile(r';\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def parse(value: str) -> MediaType | None:
    essence, _, rest = value.partition(";")
    kind, slash, sub = essence.strip().lower().partition("/")
    if not slash or not kind or not sub:
        return None
    params = {k.lower(): v.strip().strip('"') for k, v in _PARAM.findall(";" + rest)}
    return MediaType(kind, sub, params)


def matches(declared: str, actual: str) -> bool:
    """Whether the concrete media type `actual` falls in the declared media type or range `declared`."""
    want, have = parse(declared), parse(actual)
    if want is None or have is None:
        return False
    return want.type in ("*", have.type) and want.subtype in ("*", have.subtype)


def specificity(declared: str) -> int:
    parsed = parse(declared)
    if parsed is None:
        return 0
    return (parsed.type != "*") + (parsed.subtype != "*")


def kind_of(media_type: str) -> str:
    """How a body of this media type is read and written."""
    parsed = parse(media_type)
    if parsed is None:
        return BINARY
    if parsed.subtype == "json" or parsed.subtype.endswith("+json"):
        return JSON
    if parsed.subtype == "xml" or parsed.subtype.endswith("+xml"):
        return XML
    if parsed.essence == "application/x-www-form-urlencoded":
        return FORM
    if parsed.type == "multipart":
        return MULTIPART
    if parsed.type == "text":
        return TEXT
    return BINARY


def select_body_media(media: Sequence[MediaSpec], content_type: str) -> MediaSpec | None:
    """The declared media type a request body sent as `content_type` is read as (the most specific match)."""
    fitting = [m for m in media if matches(m.media_type, content_type)]
    return max(fitting, key=lambda m: specificity(m.media_type), default=None)


@dataclass(frozen=True)
class _Range:
    media: MediaType
    quality: float


def _accepted(accept: str) -> list[_Range]:
    ranges = []
    for part in accept.split(","):
        parsed = parse(part)
        if parsed is None:
            continue
        try:
            quality = float(parsed.params.get("q", "1"))
        except ValueError:
            quality = 1.0
        ranges.append(_Range(parsed, quality))
    return ranges


def _quality(ranges: Sequence[_Range], offered: str) -> float:
    """The quality the client gives `offered` (its most specific matching range wins)."""
    media = parse(offered)
    if media is None:
        return 0.0
    best: tuple[int, float] | None = None
    for candidate in ranges:
        want = candidate.media
        if want.type in ("*", media.type) and want.subtype in ("*", media.subtype):
            rank = (want.type != "*") + (want.subtype != "*")
            if best is None or rank > best[0]:
                best = (rank, candidate.quality)
    return best[1] if best else 0.0


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers (declaration order breaks ties); None if it accepts none."""
    if not offered:
        return None
    if accept is None or not accept.strip():
        return offered[0]
    ranges = _accepted(accept)
    if not ranges:
        return offered[0]  # an unparseable Accept is disregarded (RFC 9110 12.5.1)
    scored = [(_quality(ranges, media_type), -index, media_type) for index, media_type in enumerate(offered)]
    quality, _, chosen = max(scored)
    return chosen if quality > 0 else None


def acceptable(accept: str | None, offered: Sequence[str]) -> bool:
    """Whether any offered media type (ranges included) is acceptable to the client."""
    if accept is None or not accept.strip() or not offered:
        return True
    ranges = _accepted(accept)
    if not ranges:
        return True
    for declared in offered:
        media = parse(declared)
        if media is None:
            continue
        for candidate in ranges:
            want = candidate.media
            if candidate.quality <= 0:
                continue
            type_ok = "*" in (want.type, media.type) or want.type == media.type
            subtype_ok = "*" in (want.subtype, media.subtype) or want.subtype == media.subtype
            if type_ok and subtype_ok:
                return True
    return False

"""ETags and conditional requests (RFC 9110 section 13) for the single-resource answers: users, items, articles.

The ETag is a strong entity tag made of the stored `version` of the row (bumped by every change, see
impl/db/tables.py), `"<version>"`; an article's also carries its author's version (`"<article>.<author>"`), since
its answer shows the author's name. `If-None-Match` on GET answers 304 when it names the current tag (weak
comparison, as RFC 9110 13.1.2 says); `If-Match` on PATCH and DELETE is compared strongly, by the implementation,
while it holds the row's lock, so that of two writers sending the same tag exactly one wins and the other gets 412.
"""

from __future__ import annotations

from dataclasses import dataclass

from impl.problems import PreconditionFailed, PreconditionRequired

__all__ = ["Preconditions", "etag", "none_match"]


def etag(*versions: int) -> str:
    return '"' + ".".join(str(v) for v in versions) + '"'


def _tags(header: str) -> list[str] | None:
    """The entity tags of an If-Match / If-None-Match value; None for `*`."""
    if header.strip() == "*":
        return None
    return [part.strip() for part in header.split(",") if part.strip()]


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def none_match(header: str | None, current: str) -> bool:
    """True when `If-None-Match` names the current representation (the GET answers 304)."""
    if header is None:
        return False
    tags = _tags(header)
    return tags is None or any(_opaque(tag) == current for tag in tags)


@dataclass(frozen=True)
class Preconditions:
    """`If-Match` as this deployment wants it: `required` (REQUIRE_IF_MATCH) makes a PATCH without it a 428."""

    required: bool = False

    def check(self, header: str | None, current: str, *, change: bool = True) -> None:
        """Raise 412 unless `If-Match` names the current tag (strong comparison: a weak tag never matches), 428
        when it is missing on a change this deployment requires it for. Call it holding the row's lock."""
        if header is None:
            if self.required and change:
                raise PreconditionRequired()
            return
        tags = _tags(header)
        if tags is None or current in tags:
            return
        raise PreconditionFailed()

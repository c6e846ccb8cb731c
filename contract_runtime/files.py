"""Binary bodies: an uploaded file as the implementation receives it, and a binary answer it returns."""

from collections.abc import AsyncIterable
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema


class UploadedFile(bytes):
    """A file part of a multipart body: its bytes, with the file name and media type the client sent."""

    filename: str | None
    content_type: str | None

    def __new__(cls, data: bytes, *, filename: str | None = None, content_type: str | None = None) -> "UploadedFile":
        made = super().__new__(cls, data)
        made.filename = filename
        made.content_type = content_type
        return made

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        # Only files the runtime read from a multipart body: plain text is no file.
        return core_schema.is_instance_schema(cls)


UploadedFiles = list[UploadedFile]


@dataclass(frozen=True)
class Binary:
    """A binary answer (a file, an image, a stream): bytes or chunks, in one of the declared media types.

    `media_type` may be left out when the response declares exactly one concrete binary media type.
    """

    content: bytes | AsyncIterable[bytes]
    media_type: str | None = None

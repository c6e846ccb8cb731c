"""Every page of a cursor-paginated list, fetched as the iteration reaches it.

The API's lists answer ``{items, next_cursor}``; the next page is the same request with ``cursor=next_cursor``
(the filters stay the same), and a ``null`` ``next_cursor`` is the last page. A paginator does that for you::

    async for item in api.items.list(status="published"):     # every item, page after page
        ...
    async for page in api.items.list(page_size=50).pages():    # page by page
        print(len(page.items), page.next_cursor)
    page = await api.items.list(cursor=saved_cursor).first_page()   # one page, e.g. for a "next" link
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["AsyncPaginator", "Page", "Paginator"]

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    """Pass it back as ``cursor`` for the next page; None on the last page."""


class AsyncPaginator(Generic[T]):
    """Async-iterable over every item of every page; nothing is fetched until you iterate."""

    def __init__(self, fetch_page: Callable[[str | None], Awaitable[Page[T]]], cursor: str | None = None) -> None:
        self._fetch_page = fetch_page
        self._cursor = cursor

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def pages(self) -> AsyncIterator[Page[T]]:
        cursor = self._cursor
        while True:
            page = await self._fetch_page(cursor)
            yield page
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    async def first_page(self) -> Page[T]:
        return await self._fetch_page(self._cursor)


class Paginator(Generic[T]):
    """Iterable over every item of every page; nothing is fetched until you iterate."""

    def __init__(self, fetch_page: Callable[[str | None], Page[T]], cursor: str | None = None) -> None:
        self._fetch_page = fetch_page
        self._cursor = cursor

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def pages(self) -> Iterator[Page[T]]:
        cursor = self._cursor
        while True:
            page = self._fetch_page(cursor)
            yield page
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def first_page(self) -> Page[T]:
        return self._fetch_page(self._cursor)

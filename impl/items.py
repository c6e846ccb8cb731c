"""The `items` tag: private items; another user's item is indistinguishable from a missing one."""

from decimal import Decimal
from functools import lru_cache
from typing import Final
from uuid import UUID

from pydantic import MISSING

from contract_runtime import construct, construct_root
from generated import models
from generated.routers.items import (
    CreateItem201Response,
    GetItem200Response,
    GetItem304Response,
    ItemsApi,
    ListItemsSort,
    UpdateItem200Response,
)
from impl.db.repositories import AccountGoneError
from impl.db.repositories.items import ItemFields, ItemRepository, item_key
from impl.db.tables import ItemRow
from impl.db.types import new_id, utcnow
from impl.pagination import CursorCodec, InvalidCursorError, ItemKey, split_page
from impl.preconditions import Preconditions, etag, none_match
from impl.principal import CurrentUser
from impl.problems import AccountGone, InvalidCursor, NotFound
from impl.unit_of_work import current_database, current_session

CENT = Decimal("0.01")
NO_SUCH_ITEM = "There is no item with this id."


_STATUSES: Final = {status.value: status for status in models.ItemStatus}


@lru_cache(maxsize=4096)
def _tag(text: str) -> models.Tag:
    """One answer model per distinct tag, shared: tags repeat across items (a page of 20 has about 40), and an
    answer's models are never changed once built (the runtime validates and writes them, nothing else)."""
    return construct_root(models.Tag, text)


def item_model(row: ItemFields) -> models.Item:
    """The answer for one item, built without validation: the runtime validates every answer against the spec
    before it is sent (and refuses one that breaks it), so validating here too would check everything twice."""
    return construct(
        models.Item,
        {
            "id": row.id,
            "owner_id": row.owner_id,
            "name": row.name,
            "description": row.description,
            "price": str(row.price.quantize(CENT)),
            "status": _STATUSES[row.status],
            "tags": [_tag(tag) for tag in row.tags],
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        },
    )


class Items(ItemsApi[CurrentUser]):
    def __init__(self, cursors: CursorCodec, preconditions: Preconditions | None = None) -> None:
        self._cursors = cursors
        self._preconditions = preconditions or Preconditions()

    def _after(self, cursor: str | None) -> ItemKey | None:
        try:
            return self._cursors.decode_item_key(cursor) if cursor else None
        except InvalidCursorError:
            raise InvalidCursor() from None

    async def list_items(
        self,
        *,
        cursor: str | None,
        limit: int,
        max_price: str | None,
        min_price: str | None,
        q: str | None,
        sort: ListItemsSort,
        status: models.ItemStatus | None,
        principal: CurrentUser,
    ) -> models.ItemPage:
        rows = await ItemRepository(current_database()).list_page(
            owner_id=principal.id,
            limit=limit,
            after=self._after(cursor),
            sort=sort,
            status=status.value if status else None,
            q=q,
            min_price=Decimal(min_price) if min_price else None,
            max_price=Decimal(max_price) if max_price else None,
        )
        page, next_cursor = split_page(rows, limit, lambda row: self._cursors.encode_item_key(item_key(row)))
        return construct(models.ItemPage, {"items": [item_model(r) for r in page], "next_cursor": next_cursor})

    async def create_item(
        self, *, idempotency_key: str | None, body: models.ItemCreate, principal: CurrentUser
    ) -> CreateItem201Response:
        del idempotency_key  # the idempotency middleware's (impl/idempotency.py)
        now = utcnow()
        row = ItemRow(
            id=new_id(),
            owner_id=principal.id,
            name=body.name,
            description=body.description,
            price=Decimal(body.price),
            status=body.status.value,
            tags=[tag.root for tag in body.tags],
            created_at=now,
            updated_at=now,
            version=1,
        )
        try:
            await ItemRepository(current_session()).add(row)
        except AccountGoneError:
            raise AccountGone() from None
        return CreateItem201Response(body=item_model(row), location=f"/v1/items/{row.id}", e_tag=etag(row.version))

    @staticmethod
    async def _visible_item(item_id: UUID, principal: CurrentUser, *, for_update: bool = False) -> ItemRow:
        items = ItemRepository(current_session())
        row = await (items.get_for_update(item_id) if for_update else items.get(item_id))
        if row is None or not principal.may_access(row.owner_id):
            raise NotFound(NO_SUCH_ITEM)
        return row

    async def get_item(
        self, *, item_id: UUID, if_none_match: str | None, principal: CurrentUser
    ) -> GetItem200Response | GetItem304Response:
        row = await ItemRepository(current_database()).view(item_id)
        if row is None or not principal.may_access(row.owner_id):
            raise NotFound(NO_SUCH_ITEM)
        tag = etag(row.version)
        if none_match(if_none_match, tag):
            return GetItem304Response(e_tag=tag)
        return GetItem200Response(body=item_model(row), e_tag=tag)

    async def update_item(
        self, *, item_id: UUID, if_match: str | None, body: models.ItemUpdate, principal: CurrentUser
    ) -> UpdateItem200Response:
        # Locked: a concurrent deletion either waits for this change or, if it committed first, makes this a 404;
        # a concurrent change with the same If-Match either waits (and then finds a new version: 412) or loses.
        row = await self._visible_item(item_id, principal, for_update=True)
        self._preconditions.check(if_match, etag(row.version))
        if body.name is not MISSING:
            row.name = body.name
        if body.description is not MISSING:
            row.description = body.description
        if body.price is not MISSING:
            row.price = Decimal(body.price)
        if body.status is not MISSING:
            row.status = body.status.value
        if body.tags is not MISSING:
            row.tags = [tag.root for tag in body.tags]
        row.updated_at = utcnow()
        await current_session().flush()  # the version bump (impl/db/tables.py) happens here: the ETag shows it
        return UpdateItem200Response(body=item_model(row), e_tag=etag(row.version))

    async def delete_item(self, *, item_id: UUID, if_match: str | None, principal: CurrentUser) -> None:
        if if_match is not None:
            # Compared under the row's lock, so no change slips in between the comparison and the deletion.
            row = await self._visible_item(item_id, principal, for_update=True)
            self._preconditions.check(if_match, etag(row.version), change=False)
        else:
            await self._visible_item(item_id, principal)
        # The DELETE itself decides: of two concurrent deletions, the one that finds no row answers 404.
        if not await ItemRepository(current_session()).delete(item_id):
            raise NotFound(NO_SUCH_ITEM)

"""One repository per aggregate. Repositories own every query and may flush, but never commit:
the request boundary decides the transaction."""

from impl.db.repositories.articles import ArticleRepository, article_key
from impl.db.repositories.errors import AccountGoneError, EmailTakenError
from impl.db.repositories.items import ITEM_SORTS, ItemRepository, item_key
from impl.db.repositories.refresh_tokens import RefreshTokenRepository
from impl.db.repositories.users import UserRepository, normalize_email, user_key

__all__ = [
    "ITEM_SORTS",
    "AccountGoneError",
    "ArticleRepository",
    "EmailTakenError",
    "ItemRepository",
    "RefreshTokenRepository",
    "UserRepository",
    "article_key",
    "item_key",
    "normalize_email",
    "user_key",
]

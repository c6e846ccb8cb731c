# DO NOT EDIT: generated from openapi.yaml by `make generate` (datamodel-code-generator==0.89.0).
# Change openapi.yaml or scripts/codegen/, then run it again.
# mypy: disable-error-code="assignment"

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import (
    MISSING,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    RootModel,
    StrictBool,
    StrictInt,
    StrictStr,
)


class SearchText(RootModel[StrictStr]):
    root: Annotated[StrictStr, Field(max_length=100, min_length=1, pattern="^[^\\x00]*$")]


class PriceBound(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(
            description="An exact amount with up to two decimal places, at most 1,000,000.",
            examples=["10.00"],
            max_length=10,
            pattern="^(?:(?:0|[1-9][0-9]{0,5})(?:\\.[0-9]{1,2})?|1000000(?:\\.0{1,2})?)$",
        ),
    ]


class ItemStatus(StrEnum):
    draft = "draft"
    published = "published"
    archived = "archived"


class Tag(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(max_length=32, min_length=1, pattern="^[^\\x00-\\x1f\\x7f-\\x9f]*$"),
    ]


class Problem(BaseModel):
    type: Annotated[
        StrictStr,
        Field(
            description="Identifies the problem type; `about:blank` when the status says it all.",
            max_length=2048,
        ),
    ]
    title: Annotated[
        StrictStr,
        Field(
            description="A short summary of the problem type.",
            max_length=200,
            pattern="^[^\\x00]*$",
        ),
    ]
    status: Annotated[StrictInt, Field(description="The HTTP status code.", ge=400, le=599)]
    detail: Annotated[
        StrictStr | MISSING,
        Field(
            description="What went wrong with this request.",
            max_length=2000,
            pattern="^[^\\x00]*$",
        ),
    ] = MISSING
    instance: Annotated[
        StrictStr | MISSING,
        Field(description="The request path this problem occurred on.", max_length=2048),
    ] = MISSING
    request_id: Annotated[
        StrictStr | MISSING,
        Field(
            description="The request's id, as in its `X-Request-ID` header; sent with internal errors (500).",
            examples=["0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"],
            max_length=128,
            min_length=1,
            pattern="^[A-Za-z0-9._~:+/=-]{1,128}$",
        ),
    ] = MISSING


class FieldLocation(StrEnum):
    body = "body"
    query = "query"
    path = "path"
    header = "header"
    cookie = "cookie"


class OAuthErrorCode(StrEnum):
    invalid_request = "invalid_request"
    invalid_grant = "invalid_grant"
    unsupported_grant_type = "unsupported_grant_type"
    invalid_scope = "invalid_scope"


class OAuthProblem(Problem):
    error: OAuthErrorCode
    error_description: Annotated[StrictStr | MISSING, Field(max_length=500, pattern="^[^\\x00]*$")] = MISSING


class UserRegister(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    email: Annotated[
        EmailStr,
        Field(
            description="An email address as `format: email` defines it: RFC 5321, ASCII characters only. Internationalized addresses (RFC 6531: non-ASCII characters, or an IDNA `xn--` domain) are refused with 422. In requests, white space around the address is removed. The domain is stored lower-cased, the part before the `@` as it was sent; uniqueness and logging in ignore letter case.",
            examples=["ada@example.com"],
            max_length=254,
            min_length=3,
        ),
    ]
    password: Annotated[
        StrictStr,
        Field(
            description="A passphrase of 8 to 128 characters.",
            examples=["correct horse battery staple"],
            max_length=128,
            min_length=8,
            pattern="^[^\\x00]*$",
        ),
    ]
    full_name: Annotated[
        StrictStr | MISSING,
        Field(
            examples=["Ada Lovelace"],
            max_length=200,
            min_length=1,
            pattern="^[^\\x00]*$",
        ),
    ] = MISSING


class TokenRequest(BaseModel):
    grant_type: Annotated[
        StrictStr,
        Field(
            description="`password` or `refresh_token`. Any other grant type is refused with `unsupported_grant_type`.",
            examples=["password", "refresh_token"],
            max_length=200,
            min_length=1,
            pattern="^[^\\x00]*$",
        ),
    ]
    username: Annotated[StrictStr | MISSING, Field(max_length=254, pattern="^[^\\x00]*$")] = MISSING
    password: Annotated[StrictStr | MISSING, Field(max_length=128, pattern="^[^\\x00]*$")] = MISSING
    refresh_token: Annotated[StrictStr | MISSING, Field(max_length=128, pattern="^[^\\x00]*$")] = MISSING
    scope: Annotated[StrictStr | MISSING, Field(max_length=200, pattern="^[^\\x00]*$")] = MISSING
    client_id: Annotated[StrictStr | MISSING, Field(max_length=200, pattern="^[^\\x00]*$")] = MISSING
    client_secret: Annotated[StrictStr | MISSING, Field(max_length=200, pattern="^[^\\x00]*$")] = MISSING


class TokenResponse(BaseModel):
    access_token: Annotated[
        StrictStr,
        Field(
            description="A JWT to send as `Authorization: Bearer <access_token>`.",
            max_length=2048,
            pattern="^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$",
        ),
    ]
    token_type: Annotated[Literal["bearer"], Field(max_length=6)]
    expires_in: Annotated[
        StrictInt,
        Field(description="Seconds until the access token expires.", ge=1, le=86400),
    ]
    refresh_token: Annotated[
        StrictStr,
        Field(
            description="An opaque token for the `refresh_token` grant; it works once.",
            max_length=128,
            pattern="^[A-Za-z0-9_-]+$",
        ),
    ]


class LogoutRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    refresh_token: Annotated[StrictStr, Field(max_length=128, min_length=1, pattern="^[^\\x00]*$")]


class User(BaseModel):
    id: Annotated[UUID, Field(examples=["0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"])]
    email: Annotated[
        EmailStr,
        Field(
            description="An email address as `format: email` defines it: RFC 5321, ASCII characters only. Internationalized addresses (RFC 6531: non-ASCII characters, or an IDNA `xn--` domain) are refused with 422. In requests, white space around the address is removed. The domain is stored lower-cased, the part before the `@` as it was sent; uniqueness and logging in ignore letter case.",
            examples=["ada@example.com"],
            max_length=254,
            min_length=3,
        ),
    ]
    full_name: Annotated[StrictStr | None, Field(max_length=200, pattern="^[^\\x00]*$")]
    is_active: StrictBool
    is_superuser: StrictBool
    created_at: Annotated[AwareDatetime, Field(examples=["2026-11-22T10:15:30.123456Z"])]
    updated_at: Annotated[AwareDatetime, Field(examples=["2026-11-22T10:15:30.123456Z"])]


class UserUpdateMe(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    email: Annotated[
        EmailStr | MISSING,
        Field(
            description="An email address as `format: email` defines it: RFC 5321, ASCII characters only. Internationalized addresses (RFC 6531: non-ASCII characters, or an IDNA `xn--` domain) are refused with 422. In requests, white space around the address is removed. The domain is stored lower-cased, the part before the `@` as it was sent; uniqueness and logging in ignore letter case.",
            examples=["ada@example.com"],
            max_length=254,
            min_length=3,
        ),
    ] = MISSING
    full_name: Annotated[
        StrictStr | None | MISSING,
        Field(max_length=200, min_length=1, pattern="^[^\\x00]*$"),
    ] = MISSING


class UserUpdateAdmin(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    full_name: Annotated[
        StrictStr | None | MISSING,
        Field(max_length=200, min_length=1, pattern="^[^\\x00]*$"),
    ] = MISSING
    is_active: StrictBool | MISSING = MISSING
    is_superuser: StrictBool | MISSING = MISSING


class PasswordChange(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    current_password: Annotated[StrictStr, Field(max_length=128, min_length=1, pattern="^[^\\x00]*$")]
    new_password: Annotated[
        StrictStr,
        Field(
            description="A passphrase of 8 to 128 characters.",
            examples=["correct horse battery staple"],
            max_length=128,
            min_length=8,
            pattern="^[^\\x00]*$",
        ),
    ]


class UserPage(BaseModel):
    items: Annotated[list[User], Field(max_length=100)]
    next_cursor: Annotated[
        StrictStr | None,
        Field(
            description="Where the next page starts: send it back as `cursor`; `null` on the last page. Opaque: what it holds and how long it is may change in any release; only its characters (letters, digits, `-` and `_`) and its length bound (640) are promised. Do not parse or build it.",
            max_length=640,
            pattern="^[A-Za-z0-9_-]{1,640}$",
        ),
    ]


class Item(BaseModel):
    id: Annotated[UUID, Field(examples=["0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"])]
    owner_id: Annotated[UUID, Field(examples=["0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"])]
    name: Annotated[
        StrictStr,
        Field(examples=["Lamp"], max_length=100, min_length=1, pattern="^[^\\x00]*$"),
    ]
    description: Annotated[
        StrictStr | None,
        Field(examples=["A brass desk lamp."], max_length=2000, pattern="^[^\\x00]*$"),
    ]
    price: Annotated[
        StrictStr,
        Field(
            description="An exact amount with two decimal places, more than 0 and at most 1,000,000.00.",
            examples=["19.99"],
            max_length=10,
            pattern="^(?:[1-9][0-9]{0,5}\\.[0-9]{2}|0\\.(?:0[1-9]|[1-9][0-9])|1000000\\.00)$",
        ),
    ]
    status: ItemStatus
    tags: Annotated[
        list[Tag],
        Field(
            description="At most 10 distinct tags, each 1 to 32 characters without control characters (U+0000 to U+001F, U+007F to U+009F).",
            max_length=10,
        ),
    ]
    created_at: Annotated[AwareDatetime, Field(examples=["2026-11-22T10:15:30.123456Z"])]
    updated_at: Annotated[AwareDatetime, Field(examples=["2026-11-22T10:15:30.123456Z"])]


class ItemCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    name: Annotated[
        StrictStr,
        Field(examples=["Lamp"], max_length=100, min_length=1, pattern="^[^\\x00]*$"),
    ]
    description: Annotated[
        StrictStr | None,
        Field(examples=["A brass desk lamp."], max_length=2000, pattern="^[^\\x00]*$"),
    ] = None
    price: Annotated[
        StrictStr,
        Field(
            description="An exact amount with two decimal places, more than 0 and at most 1,000,000.00.",
            examples=["19.99"],
            max_length=10,
            pattern="^(?:[1-9][0-9]{0,5}\\.[0-9]{2}|0\\.(?:0[1-9]|[1-9][0-9])|1000000\\.00)$",
        ),
    ]
    status: ItemStatus = ItemStatus.draft
    tags: Annotated[
        list[Tag],
        Field(
            description="At most 10 distinct tags, each 1 to 32 characters without control characters (U+0000 to U+001F, U+007F to U+009F).",
            max_length=10,
            validate_default=True,
        ),
    ] = []


class ItemUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    name: Annotated[
        StrictStr | MISSING,
        Field(examples=["Lamp"], max_length=100, min_length=1, pattern="^[^\\x00]*$"),
    ] = MISSING
    description: Annotated[
        StrictStr | None | MISSING,
        Field(examples=["A brass desk lamp."], max_length=2000, pattern="^[^\\x00]*$"),
    ] = MISSING
    price: Annotated[
        StrictStr | MISSING,
        Field(
            description="An exact amount with two decimal places, more than 0 and at most 1,000,000.00.",
            examples=["19.99"],
            max_length=10,
            pattern="^(?:[1-9][0-9]{0,5}\\.[0-9]{2}|0\\.(?:0[1-9]|[1-9][0-9])|1000000\\.00)$",
        ),
    ] = MISSING
    status: ItemStatus | MISSING = MISSING
    tags: Annotated[
        list[Tag] | MISSING,
        Field(
            description="At most 10 distinct tags, each 1 to 32 characters without control characters (U+0000 to U+001F, U+007F to U+009F).",
            max_length=10,
        ),
    ] = MISSING


class ItemPage(BaseModel):
    items: Annotated[list[Item], Field(max_length=100)]
    next_cursor: Annotated[
        StrictStr | None,
        Field(
            description="Where the next page starts: send it back as `cursor`; `null` on the last page. Opaque: what it holds and how long it is may change in any release; only its characters (letters, digits, `-` and `_`) and its length bound (640) are promised. Do not parse or build it.",
            max_length=640,
            pattern="^[A-Za-z0-9_-]{1,640}$",
        ),
    ]


class ArticleAuthor(BaseModel):
    id: Annotated[UUID, Field(examples=["0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"])]
    full_name: Annotated[StrictStr | None, Field(max_length=200, pattern="^[^\\x00]*$")]


class Article(BaseModel):
    id: Annotated[UUID, Field(examples=["0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"])]
    title: Annotated[
        StrictStr,
        Field(
            examples=["On the Analytical Engine"],
            max_length=200,
            min_length=1,
            pattern="^[^\\x00]*$",
        ),
    ]
    body: Annotated[
        StrictStr,
        Field(
            examples=["The engine weaves algebraic patterns."],
            max_length=50000,
            min_length=1,
            pattern="^[^\\x00]*$",
        ),
    ]
    published: StrictBool
    published_at: Annotated[
        AwareDatetime | None,
        Field(description="When the article was first published; `null` while it never was."),
    ]
    author: ArticleAuthor
    created_at: Annotated[AwareDatetime, Field(examples=["2026-11-22T10:15:30.123456Z"])]
    updated_at: Annotated[AwareDatetime, Field(examples=["2026-11-22T10:15:30.123456Z"])]


class ArticleCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    title: Annotated[
        StrictStr,
        Field(
            examples=["On the Analytical Engine"],
            max_length=200,
            min_length=1,
            pattern="^[^\\x00]*$",
        ),
    ]
    body: Annotated[
        StrictStr,
        Field(
            examples=["The engine weaves algebraic patterns."],
            max_length=50000,
            min_length=1,
            pattern="^[^\\x00]*$",
        ),
    ]
    published: StrictBool = False


class ArticleUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    title: Annotated[
        StrictStr | MISSING,
        Field(
            examples=["On the Analytical Engine"],
            max_length=200,
            min_length=1,
            pattern="^[^\\x00]*$",
        ),
    ] = MISSING
    body: Annotated[
        StrictStr | MISSING,
        Field(
            examples=["The engine weaves algebraic patterns."],
            max_length=50000,
            min_length=1,
            pattern="^[^\\x00]*$",
        ),
    ] = MISSING
    published: StrictBool | MISSING = MISSING


class ArticlePage(BaseModel):
    items: Annotated[list[Article], Field(max_length=100)]
    next_cursor: Annotated[
        StrictStr | None,
        Field(
            description="Where the next page starts: send it back as `cursor`; `null` on the last page. Opaque: what it holds and how long it is may change in any release; only its characters (letters, digits, `-` and `_`) and its length bound (640) are promised. Do not parse or build it.",
            max_length=640,
            pattern="^[A-Za-z0-9_-]{1,640}$",
        ),
    ]


class RateLimitStore(StrEnum):
    ok = "ok"
    degraded = "degraded"


class ReadinessChecks(BaseModel):
    database: Annotated[
        Literal["ok"],
        Field(
            description="The database answered within the readiness timeout.",
            max_length=2,
        ),
    ]
    rate_limit_store: Annotated[
        RateLimitStore,
        Field(
            description="`ok` when the shared rate-limit store answered in time (or the counters are per process by configuration), `degraded` when it did not."
        ),
    ]


class FieldError(BaseModel):
    in_: Annotated[FieldLocation, Field(alias="in")]
    field: Annotated[
        StrictStr,
        Field(
            description="The parameter name, or a JSON pointer into the body (empty for the body itself).",
            max_length=512,
            pattern="^[^\\x00]*$",
        ),
    ]
    detail: Annotated[
        StrictStr,
        Field(
            description="What is wrong with the value.",
            max_length=1000,
            pattern="^[^\\x00]*$",
        ),
    ]
    type: Annotated[
        StrictStr,
        Field(
            description="A machine-readable error code.",
            max_length=100,
            pattern="^[^\\x00]*$",
        ),
    ]


class HealthStatus(BaseModel):
    status: Annotated[Literal["ok"], Field(description="The service can serve traffic.", max_length=2)]
    checks: ReadinessChecks | MISSING = MISSING


class ValidationProblem(Problem):
    errors: Annotated[list[FieldError], Field(max_length=100)]

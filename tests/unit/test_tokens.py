from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from impl.security.tokens import (
    AccessClaims,
    AccessTokenCodec,
    InvalidTokenError,
    hash_refresh_token,
    new_refresh_token,
)
from impl.settings import Settings

# 64 bytes: long enough for HS512 too, so PyJWT emits no InsecureKeyLengthWarning.
SECRET = "k" * 64
ISSUER = "contract-api"
AUDIENCE = "contract-api"
TTL = 900


@pytest.fixture
def codec() -> AccessTokenCodec:
    return AccessTokenCodec(secret=SECRET, algorithm="HS256", issuer=ISSUER, audience=AUDIENCE, ttl_seconds=TTL)


def valid_payload(**overrides: Any) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp())
    payload: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(uuid.uuid4()),
        "iat": now,
        "nbf": now,
        "exp": now + TTL,
        "jti": uuid.uuid4().hex,
        "ver": 0,
    }
    payload.update(overrides)
    return payload


def forge(payload: dict[str, Any], *, key: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(payload, key, algorithm=algorithm)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def test_round_trip(codec: AccessTokenCodec) -> None:
    user_id = uuid.uuid4()
    token, expires_in = codec.issue(user_id=user_id, token_version=7)
    assert expires_in == TTL

    claims = codec.decode(token)
    assert isinstance(claims, AccessClaims)
    assert claims.subject == user_id
    assert claims.token_version == 7
    assert re.fullmatch(r"[0-9a-f]{32}", claims.jti)
    assert claims.expires_at - claims.issued_at == timedelta(seconds=TTL)
    assert claims.issued_at.tzinfo is not None


def test_issued_claims_on_the_wire(codec: AccessTokenCodec) -> None:
    user_id = uuid.uuid4()
    now = datetime(2030, 1, 2, 3, 4, 5, 678, tzinfo=UTC)
    token, _ = codec.issue(user_id=user_id, token_version=3, now=now)
    header = jwt.get_unverified_header(token)
    payload = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "HS256"
    iat = int(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp())
    assert payload == {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(user_id),
        "iat": iat,
        "nbf": iat,
        "exp": iat + TTL,
        "jti": payload["jti"],
        "ver": 3,
    }


def test_jti_is_unique(codec: AccessTokenCodec) -> None:
    user_id = uuid.uuid4()
    jtis = {codec.decode(codec.issue(user_id=user_id, token_version=0)[0]).jti for _ in range(50)}
    assert len(jtis) == 50


def test_from_settings() -> None:
    settings = Settings(
        _env_file=None,
        secret_key=SECRET,
        jwt_algorithm="HS512",
        jwt_issuer="iss-x",
        jwt_audience="aud-x",
        access_token_ttl_seconds=60,
    )
    codec = AccessTokenCodec.from_settings(settings)
    token, expires_in = codec.issue(user_id=uuid.uuid4(), token_version=0)
    assert expires_in == 60
    assert jwt.get_unverified_header(token)["alg"] == "HS512"
    payload = jwt.decode(token, options={"verify_signature": False})
    assert (payload["iss"], payload["aud"]) == ("iss-x", "aud-x")
    codec.decode(token)


def test_issue_refuses_naive_now_and_negative_version(codec: AccessTokenCodec) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        codec.issue(user_id=uuid.uuid4(), token_version=0, now=datetime(2030, 1, 1))
    with pytest.raises(ValueError, match=">= 0"):
        codec.issue(user_id=uuid.uuid4(), token_version=-1)


def test_expired_token_rejected(codec: AccessTokenCodec) -> None:
    long_ago = datetime.now(UTC) - timedelta(seconds=TTL + 3600)
    token, _ = codec.issue(user_id=uuid.uuid4(), token_version=0, now=long_ago)
    with pytest.raises(InvalidTokenError, match="expired"):
        codec.decode(token)


def test_token_from_the_future_rejected(codec: AccessTokenCodec) -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    token, _ = codec.issue(user_id=uuid.uuid4(), token_version=0, now=later)
    with pytest.raises(InvalidTokenError, match="not yet valid"):
        codec.decode(token)


def test_wrong_audience_rejected(codec: AccessTokenCodec) -> None:
    with pytest.raises(InvalidTokenError, match=r"[Aa]udience"):
        codec.decode(forge(valid_payload(aud="someone-else")))


def test_wrong_issuer_rejected(codec: AccessTokenCodec) -> None:
    with pytest.raises(InvalidTokenError, match=r"[Ii]ssuer"):
        codec.decode(forge(valid_payload(iss="someone-else")))


def test_codec_with_other_audience_rejects_our_tokens(codec: AccessTokenCodec) -> None:
    other = AccessTokenCodec(secret=SECRET, algorithm="HS256", issuer=ISSUER, audience="other-api", ttl_seconds=TTL)
    token, _ = codec.issue(user_id=uuid.uuid4(), token_version=0)
    with pytest.raises(InvalidTokenError):
        other.decode(token)


def test_alg_none_rejected(codec: AccessTokenCodec) -> None:
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    body = b64url(json.dumps(valid_payload()).encode())
    for token in (f"{header}.{body}.", f"{header}.{body}"):
        with pytest.raises(InvalidTokenError):
            codec.decode(token)


def test_other_hmac_algorithm_rejected(codec: AccessTokenCodec) -> None:
    # Same secret, valid claims, but HS512: the pinned HS256 must not follow the header.
    with pytest.raises(InvalidTokenError, match="alg"):
        codec.decode(forge(valid_payload(), algorithm="HS512"))


@pytest.mark.parametrize("claim", ["iss", "aud", "sub", "iat", "exp", "jti", "ver"])
def test_missing_claim_rejected(codec: AccessTokenCodec, claim: str) -> None:
    payload = valid_payload()
    del payload[claim]
    with pytest.raises(InvalidTokenError):
        codec.decode(forge(payload))


def test_tampered_signature_rejected(codec: AccessTokenCodec) -> None:
    token, _ = codec.issue(user_id=uuid.uuid4(), token_version=0)
    header, body, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[0] ^= 0x01
    with pytest.raises(InvalidTokenError, match=r"[Ss]ignature"):
        codec.decode(f"{header}.{body}.{b64url(bytes(raw))}")


def test_tampered_payload_rejected(codec: AccessTokenCodec) -> None:
    token, _ = codec.issue(user_id=uuid.uuid4(), token_version=5)
    header, _, signature = token.split(".")
    body = b64url(json.dumps(valid_payload(ver=0)).encode())
    with pytest.raises(InvalidTokenError, match=r"[Ss]ignature"):
        codec.decode(f"{header}.{body}.{signature}")


def test_wrong_secret_rejected(codec: AccessTokenCodec) -> None:
    with pytest.raises(InvalidTokenError, match=r"[Ss]ignature"):
        codec.decode(forge(valid_payload(), key="z" * 64))


@pytest.mark.parametrize(
    "sub",
    [
        "not-a-uuid",
        "",
        "12345",
        uuid.uuid4().hex,  # valid for uuid.UUID(), but not the canonical form we issue
        "{" + str(uuid.uuid4()) + "}",
        42,
        None,
    ],
)
def test_bad_subject_rejected(codec: AccessTokenCodec, sub: Any) -> None:
    with pytest.raises(InvalidTokenError):
        codec.decode(forge(valid_payload(sub=sub)))


@pytest.mark.parametrize("ver", [-1, "1", 1.5, True, None, [1]])
def test_bad_token_version_rejected(codec: AccessTokenCodec, ver: Any) -> None:
    with pytest.raises(InvalidTokenError):
        codec.decode(forge(valid_payload(ver=ver)))


@pytest.mark.parametrize(("claim", "value"), [("iat", True), ("iat", "now"), ("exp", True), ("nbf", "x")])
def test_bad_time_claim_rejected(codec: AccessTokenCodec, claim: str, value: Any) -> None:
    with pytest.raises(InvalidTokenError):
        codec.decode(forge(valid_payload(**{claim: value})))


@pytest.mark.parametrize("jti", ["", 123, None])
def test_bad_jti_rejected(codec: AccessTokenCodec, jti: Any) -> None:
    with pytest.raises(InvalidTokenError):
        codec.decode(forge(valid_payload(jti=jti)))


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "a.b",
        "a.b.c",
        "a.b.c.d",
        "\udcff.x.y",
        b64url(b"[1]") + "." + b64url(b"{}") + ".x",
        b64url(b'{"alg":"HS256"}') + "." + b64url(b"[1, 2]") + ".x",
    ],
)
def test_malformed_token_raises_only_invalid_token_error(codec: AccessTokenCodec, token: str) -> None:
    with pytest.raises(InvalidTokenError):
        codec.decode(token)


def test_invalid_token_error_is_not_a_jwt_or_value_error() -> None:
    # Callers catch exactly InvalidTokenError; library exception types must not leak.
    assert not issubclass(InvalidTokenError, jwt.PyJWTError)
    assert not issubclass(InvalidTokenError, ValueError)


def test_refresh_token_shape_and_hash() -> None:
    plaintext, digest = new_refresh_token()
    assert len(plaintext) == 43
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", plaintext)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest == hash_refresh_token(plaintext)
    assert plaintext not in digest


def test_refresh_tokens_unique() -> None:
    tokens = [new_refresh_token() for _ in range(200)]
    assert len({plaintext for plaintext, _ in tokens}) == 200
    assert len({digest for _, digest in tokens}) == 200


def test_refresh_hash_deterministic() -> None:
    assert hash_refresh_token("abc") == hash_refresh_token("abc")
    assert hash_refresh_token("abc") != hash_refresh_token("abd")
    # Known SHA-256 vector, so the stored format cannot change silently.
    assert hash_refresh_token("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


class _Later(datetime):
    """datetime whose now() is an hour and a half ahead: past any token issued now (TTL is 15 minutes)."""

    @classmethod
    def now(cls, tz: Any = None) -> _Later:
        return cls.fromtimestamp(datetime.now(UTC).timestamp() + TTL + 5400, tz=tz)


def test_a_verified_token_is_remembered_but_still_expires(
    codec: AccessTokenCodec, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, _ = codec.issue(user_id=uuid.uuid4(), token_version=0)
    first = codec.decode(token)
    assert codec.decode(token) is first  # verified once, remembered
    monkeypatch.setattr("impl.security.tokens.datetime", _Later)
    with pytest.raises(InvalidTokenError, match="expired"):
        codec.decode(token)


def test_a_remembered_token_is_not_accepted_by_another_secret(codec: AccessTokenCodec) -> None:
    token, _ = codec.issue(user_id=uuid.uuid4(), token_version=0)
    codec.decode(token)
    other = AccessTokenCodec(secret="o" * 64, algorithm="HS256", issuer=ISSUER, audience=AUDIENCE, ttl_seconds=TTL)
    with pytest.raises(InvalidTokenError):
        other.decode(token)

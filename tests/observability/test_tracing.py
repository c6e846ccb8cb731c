"""OpenTelemetry: off unless the standard OTEL_* variables ask for it; one request is one server span with its
database statements as child spans, and the request's log lines name the trace."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from impl.app import create_app
from impl.observability.tracing import exporter_names, tracer_provider_from_environment
from tests.observability.conftest import LogLines
from tests.settings import settings_for_tests

PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, []),
        ({"OTEL_TRACES_EXPORTER": "none"}, []),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, ["otlp"]),
        ({"OTEL_TRACES_EXPORTER": " OTLP , console"}, ["otlp", "console"]),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}, []),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "false"}, ["otlp"]),
    ],
)
def test_tracing_is_off_unless_an_exporter_is_named(environ: dict[str, str], expected: list[str]) -> None:
    assert exporter_names(environ) == expected


@pytest.fixture
def provider_from(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    made: list[TracerProvider] = []

    def build(**environ: str) -> TracerProvider | None:
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        provider = tracer_provider_from_environment()
        if provider is not None:
            made.append(provider)
        return provider

    yield build
    for provider in made:
        provider.shutdown()


def _exporters(provider: TracerProvider) -> list[Any]:
    processors = provider._active_span_processor._span_processors
    return [processor.span_exporter for processor in processors]  # type: ignore[attr-defined]


def test_the_standard_variables_configure_the_exporter(provider_from: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
    assert tracer_provider_from_environment({}) is None
    provider = provider_from(OTEL_TRACES_EXPORTER="otlp", OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:1")
    (exporter,) = _exporters(provider)
    assert isinstance(exporter, OTLPSpanExporter)
    assert exporter._endpoint == "http://127.0.0.1:1/v1/traces"
    assert provider.resource.attributes["service.name"] == "contract-api"
    named = provider_from(OTEL_TRACES_EXPORTER="console", OTEL_SERVICE_NAME="items-eu")
    assert isinstance(_exporters(named)[0], ConsoleSpanExporter)
    assert named.resource.attributes["service.name"] == "items-eu"


def test_an_unknown_exporter_fails_at_startup(provider_from: Any) -> None:
    with pytest.raises(ValueError, match="zipkin"):
        provider_from(OTEL_TRACES_EXPORTER="zipkin")


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
async def traced_app(database_url: str, spans: InMemorySpanExporter) -> AsyncIterator[FastAPI]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    application = create_app(settings_for_tests(database_url), tracer_provider=provider)
    async with application.router.lifespan_context(application):
        yield application


def _ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[int]:
    found = []
    parent = span.parent
    while parent is not None:
        found.append(parent.span_id)
        parent_span = by_id.get(parent.span_id)
        parent = parent_span.parent if parent_span is not None else None
    return found


async def test_one_request_is_a_server_span_with_its_database_spans_as_children(
    traced_app: FastAPI, spans: InMemorySpanExporter, database_url: str, capture_logs: Any
) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=traced_app), base_url="http://test") as http:
        email = f"trace-{uuid.uuid4().hex[:10]}@example.com"
        registered = await http.post("/v1/auth/register", json={"email": email, "password": PASSWORD})
        assert registered.status_code == 201
        form = {"grant_type": "password", "username": email, "password": PASSWORD}
        token = (await http.post("/v1/auth/token", data=form)).json()["access_token"]
        spans.clear()
        lines: LogLines = capture_logs(settings_for_tests(database_url, log_level="INFO", log_format="json"))
        response = await http.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200

    finished = spans.get_finished_spans()
    (server,) = [span for span in finished if span.kind is SpanKind.SERVER]
    assert server.name == "GET /v1/users/me"
    assert server.attributes is not None
    assert server.attributes["http.request_id"] == response.headers["x-request-id"]
    database = [span for span in finished if span.attributes and span.attributes.get("db.system") == "postgresql"]
    assert database, [span.name for span in finished]
    by_id = {span.context.span_id: span for span in finished}
    for span in database:
        assert span.kind is SpanKind.CLIENT
        assert span.context.trace_id == server.context.trace_id
        assert span.parent is not None
        # The statement span hangs directly under the request's span.
        assert span.parent.span_id == server.context.span_id, _ancestors(span, by_id)
    # The access line of that request names the same trace.
    access = next(r for r in lines.records() if r["logger"] == "access")
    assert access["trace_id"] == format(server.context.trace_id, "032x")

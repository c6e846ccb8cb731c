"""OpenTelemetry tracing: off by default, on with the standard `OTEL_*` environment variables.

Tracing starts when `OTEL_TRACES_EXPORTER` names an exporter (`otlp`, `console`, or any installed exporter's
entry point name) and `OTEL_SDK_DISABLED` is not `true`. Everything else is the SDK's own reading of the standard
variables: `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES` (default service name `contract-api`),
`OTEL_EXPORTER_OTLP_ENDPOINT` / `..._HEADERS` / `..._TIMEOUT`, `OTEL_TRACES_SAMPLER` / `..._ARG`,
`OTEL_PROPAGATORS`, `OTEL_BSP_*`. `otlp` sends OTLP over HTTP/protobuf (the OpenTelemetry default protocol; the
gRPC exporter is not installed). They are read from the process environment, not from `.env`, like every SDK.

Spans: one server span per request (FastAPI instrumentation; `/metrics` and the health probes are left out unless
`OTEL_PYTHON_FASTAPI_EXCLUDED_URLS` says otherwise), a child span per SQL statement (SQLAlchemy), and client spans
for outgoing httpx calls. Log lines written inside a span carry its `trace_id` and `span_id`.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

# The SDK and the instrumentations are imported only when tracing is on: serving without it pays nothing.
if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from sqlalchemy.ext.asyncio import AsyncEngine

DEFAULT_SERVICE_NAME = "contract-api"
DEFAULT_EXCLUDED_URLS = "/metrics,/health/live,/health/ready"
_EXPORTER_GROUP = "opentelemetry_traces_exporter"


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def exporter_names(environ: Mapping[str, str]) -> list[str]:
    """The exporters the environment asks for; empty when tracing is off."""
    if _is_true(environ.get("OTEL_SDK_DISABLED")):
        return []
    names = [name.strip().lower() for name in environ.get("OTEL_TRACES_EXPORTER", "").split(",")]
    return [name for name in names if name and name != "none"]


def _exporter(name: str, environ: Mapping[str, str]) -> SpanExporter:
    if name == "otlp":
        protocol = environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or environ.get(
            "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
        )
        name = {"http/protobuf": "otlp_proto_http", "grpc": "otlp_proto_grpc"}.get(protocol.strip(), protocol)
    found = entry_points(group=_EXPORTER_GROUP, name=name)
    if not found:
        available = sorted({"otlp", *(entry.name for entry in entry_points(group=_EXPORTER_GROUP))})
        raise ValueError(f"OTEL_TRACES_EXPORTER: no trace exporter {name!r} is installed (available: {available})")
    exporter_class = next(iter(found)).load()
    exporter: SpanExporter = exporter_class()
    return exporter


def tracer_provider_from_environment(environ: Mapping[str, str] = os.environ) -> TracerProvider | None:
    """A tracer provider exporting where OTEL_* says, or None when tracing is off (the default)."""
    names = exporter_names(environ)
    if not names:
        return None
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    provider = TracerProvider(resource=resource)
    for name in names:
        provider.add_span_processor(BatchSpanProcessor(_exporter(name, environ)))
    return provider


def instrument(app: FastAPI, engine: AsyncEngine, provider: TracerProvider) -> Callable[[], None]:
    """Trace the app's requests, the engine's statements and httpx calls; returns the shutdown to call at exit
    (flushes the spans not sent yet)."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    excluded = os.environ.get("OTEL_PYTHON_FASTAPI_EXCLUDED_URLS") or os.environ.get("OTEL_PYTHON_EXCLUDED_URLS")
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=excluded or DEFAULT_EXCLUDED_URLS)
    sqlalchemy = SQLAlchemyInstrumentor()
    # Its declared range stops below SQLAlchemy 2.1 (not yet updated); the engine events it uses are unchanged in
    # 2.1, and tests/observability/test_tracing.py proves the statement spans.
    sqlalchemy.instrument(engine=engine.sync_engine, tracer_provider=provider, skip_dep_check=True)
    # httpx is what this service would call other services with; it is not always installed (serving needs none).
    httpx = HTTPXClientInstrumentor() if importlib.util.find_spec("httpx") is not None else None
    if httpx is not None:
        httpx.instrument(tracer_provider=provider)

    def shutdown() -> None:
        sqlalchemy.uninstrument()
        if httpx is not None:
            httpx.uninstrument()
        provider.shutdown()

    return shutdown


def use_as_global(provider: TracerProvider) -> None:
    """Make `provider` the process's tracer provider (once per process), for code that asks OpenTelemetry for a
    tracer itself."""
    from opentelemetry import trace

    trace.set_tracer_provider(provider)

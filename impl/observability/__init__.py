"""What an operator watches: structured logs, request ids, Prometheus metrics and OpenTelemetry traces.

- `logging`: one log configuration for our loggers, uvicorn's and SQLAlchemy's (JSON lines or console);
- `request_id`: the `X-Request-ID` a client may send, validated, or one we make;
- `middleware`: per request: the request id on every answer and log line, the access log line, the metrics;
- `metrics`: the Prometheus metrics and `/metrics` (multiprocess-safe with several workers);
- `tracing`: OpenTelemetry, off unless the standard `OTEL_*` variables turn it on.
"""

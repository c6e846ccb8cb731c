"""`make mock SPEC=path PORT=n`: serve any OpenAPI document as a mock, through the code generated from it.

Every operation answers its first success response (the lowest 2XX, else `default` as 200, else the first one
declared) with the document's example for it, or with data made from its schema. Everything goes through the
same generated package and contract runtime as a real implementation: parameters and bodies are validated,
declared security is checked for presence (any credential in the right place is accepted), and only declared
statuses, media types and headers leave. Prism's mock is the reference for what is answered; this one also keeps
the contract on the way in.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from pydantic import ValidationError
from starlette.requests import Request

from contract_runtime import Binary, Credential, ProblemError
from contract_runtime.contract import DeclaredResponse, MediaSpec, OperationContract
from contract_runtime.encoding import adapter
from contract_runtime.params import UUID_TEXT  # noqa: F401  (generated modules need it importable)
from scripts.codegen import samples
from scripts.codegen.generate import generate_into
from scripts.codegen.model import Api, Header, Media, Operation, Response
from scripts.codegen.reader import Reader

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class PresenceAuthenticator:
    """Any credential in the place the scheme says is accepted (or, given `accepted`, only that API key, bearer
    token or Basic password); its principal names the scheme and the credential."""

    def __init__(self, accepted: str | None = None) -> None:
        self.accepted = accepted

    async def authenticate(self, request: Request, credential: Credential) -> str:
        presented = credential.password if credential.username is not None else credential.token
        if self.accepted is not None and presented != self.accepted:
            raise ProblemError(401, "The credentials are not valid.", headers={"WWW-Authenticate": "Bearer"})
        return f"{credential.scheme.name}:{credential.username or credential.token}"


class Samples:
    def __init__(self, document: dict[str, Any], source: str) -> None:
        self.reader = Reader(document, source)
        self.document = document
        self.source = source
        self.reported: set[str] = set()

    def resolve(self, node: Any) -> Any:
        return self.reader.resolve(node)

    def schema_errors(self, schema: Any, value: Any) -> list[str]:
        """What JSON Schema (the document's dialect, openapi-schema-validator) finds wrong with `value`: models
        are looser in places (uniqueItems, oneOf's "exactly one", unevaluatedProperties), answers must not be."""
        from openapi_schema_validator import OAS30Validator, OAS31Validator

        if not isinstance(schema, dict):
            return []
        cls = OAS31Validator if str(self.document.get("openapi")).startswith("3.1") else OAS30Validator
        root = {"components": self.document.get("components") or {}, **schema}
        return [error.message for error in cls(root).iter_errors(value)]

    def value(self, schema: Any, python_type: Any, examples: list[Any]) -> Any:
        """The first candidate that validates, against the schema and the model: an example, a schema example,
        then made-up data. An example that breaks its own schema is skipped (and said so)."""
        candidates = [
            *examples,
            samples.sample(schema, self.resolve),
            samples.sample(schema, self.resolve, use_examples=False),
        ]
        last: Exception | str | None = None
        fits_the_model: list[Any] = []
        for index, candidate in enumerate(candidates):
            try:
                typed = candidate if python_type is None else adapter(python_type).validate_python(candidate)
            except (ValidationError, TypeError, ValueError) as exc:
                last = exc
                continue
            errors = self.schema_errors(schema, candidate)
            if not errors:
                return typed
            if index < len(examples) and errors[0] not in self.reported:
                self.reported.add(errors[0])
                print(f"mock: {self.source}: an example breaks its schema, not used: {errors[0]}", file=sys.stderr)
            fits_the_model.append(typed)
            last = errors[0]
        if fits_the_model:  # made-up data the samples could not make fully valid: the closest there is
            return fits_the_model[-1]
        raise RuntimeError(f"no valid sample for {schema}: {last}")


def _answer(api: Api, op: Operation) -> Response | None:
    exact = sorted((r for r in op.responses if r.status.isdigit() and r.status.startswith("2")), key=lambda r: r.status)
    ranged = [r for r in op.responses if r.status == "2XX"]
    default = [r for r in op.responses if r.status == "default" and not r.is_problem_only]
    others = [r for r in op.responses if not r.is_problem_only]
    for group in (exact, ranged, default, others):
        if group:
            return group[0]
    return None


def _status(response: Response) -> int:
    if response.status.isdigit():
        return int(response.status)
    return 200 if response.status in ("2XX", "default") else int(response.status[0]) * 100


class MockOperation:
    def __init__(self, api: Api, op: Operation, contract: OperationContract, router: Any, data: Samples) -> None:
        self.op = op
        self.response = _answer(api, op)
        self.contract = contract
        self.router = router
        self.data = data

    def body(self, declared: DeclaredResponse, response: Response) -> Any:
        if not response.media:
            return None
        media: Media = response.media[0]
        spec = declared.content[0]
        if media.py_type == "Binary":
            concrete = spec.media_type if "*" not in spec.media_type else "application/octet-stream"
            return Binary(PNG if concrete.startswith("image/") else b"mock", media_type=concrete)
        return self.data.value(media.schema, spec.type, media.examples)

    def header_value(self, header: Header) -> Any:
        return samples.sample(header.schema, self.data.resolve)

    async def __call__(self, **_: Any) -> Any:
        response = self.response
        if response is None:
            return None  # the operation declares no response: an empty answer
        declared = self.contract.response_for(_status(response))
        assert declared is not None
        body = self.body(declared, response)
        if not response.class_name:
            return body
        result_class = getattr(self.router, response.class_name)
        fields: dict[str, Any] = {}
        if response.media:
            fields["body"] = body
        if not response.exact:
            fields["status"] = _status(response)
        for header in response.result_headers:
            if header.required and header.keyword:
                fields[header.keyword] = self.header_value(header)
        return result_class(**fields)


class RefusalSamples:
    """Refusals whose declared response is not a problem document get a sample of the declared body."""

    def __init__(self, data: Samples, schemas: dict[tuple[str, str, str], Any]) -> None:
        self.data = data
        self.schemas = schemas

    def __call__(
        self, contract: OperationContract, declared: DeclaredResponse, spec: MediaSpec, error: ProblemError
    ) -> Any:
        schema = self.schemas.get((contract.operation_id, declared.status, spec.media_type))
        if schema is None:
            return None
        try:
            return self.data.value(schema, spec.type, [])
        except RuntimeError:
            return None


def build(spec: Path, workdir: Path, accepted: str | None = None) -> FastAPI:
    """Generate the package for `spec` into `workdir` and serve it with mock implementations."""
    package = "mock_" + re.sub(r"\W", "_", spec.stem).lower()
    api = generate_into(workdir / package, spec, "make mock")
    from scripts.codegen import loader

    data = Samples(loader.load(spec), spec.name)
    Reader(data.reader.doc, spec.name).read()  # the same hoisting, so the samples see the same schemas
    sys.path.insert(0, str(workdir))
    app_module = importlib.import_module(f"{package}.app")
    implementations: dict[str, Any] = {}
    refusal_schemas: dict[tuple[str, str, str], Any] = {}
    for group in api.groups:
        router = importlib.import_module(f"{package}.routers.{group.module}")
        interface = getattr(router, group.class_name)
        methods = {}
        for op in group.operations:
            contract = getattr(router, op.constant)
            methods[op.name] = MockOperation(api, op, contract, router, data).__call__
            for response in op.responses:
                for media in response.media:
                    refusal_schemas[(op.operation_id, response.status, media.media_type)] = media.schema
        implementations[group.keyword] = type(f"Mock{group.class_name}", (interface,), methods)()
    security = {"security": PresenceAuthenticator(accepted)} if api.secured else {}
    created: FastAPI = app_module.create_app(
        **security, **implementations, refusal_renderer=RefusalSamples(data, refusal_schemas)
    )
    return created


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4010)
    parser.add_argument("--credential", help="accept only this API key, bearer token or Basic password")
    args = parser.parse_args(argv)
    import uvicorn

    from scripts.codegen.errors import SpecError

    with tempfile.TemporaryDirectory(prefix="mock-") as tmp:
        try:
            app = build(args.spec.resolve(), Path(tmp), args.credential)
        except (SpecError, ExceptionGroup) as error:
            from scripts.codegen.generate import report

            report(error, args.spec)
            return 1
        print(f"mock of {args.spec} on http://{args.host}:{args.port}", flush=True)
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

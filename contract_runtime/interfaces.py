"""The base of every generated interface: an implementation missing an operation cannot even be constructed,
and the error names each missing operation as the spec does (operationId, method and path) before Python's own
abstract-class error could."""

from abc import ABC
from collections.abc import Mapping
from typing import Any, ClassVar, Self


class MissingOperations(TypeError):
    pass


class OperationInterface(ABC):  # noqa: B024 (the generated subclasses declare the abstract methods)
    # method name -> "operationId (METHOD /path)", written by the generator
    __operations__: ClassVar[Mapping[str, str]] = {}
    __interface__: ClassVar[str] = ""

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        missing = sorted(getattr(cls, "__abstractmethods__", ()))
        if missing:
            names = "; ".join(f"{cls.__operations__.get(name, name)} as `{name}`" for name in missing)
            raise MissingOperations(
                f"{cls.__name__}, the `{cls.__interface__}` implementation, does not implement: {names}"
            )
        return super().__new__(cls)


def check_implementation(name: str, implementation: object, interface: type) -> None:
    """create_app's check: the right interface (instances were already checked for completeness when built)."""
    if not isinstance(implementation, interface):
        raise TypeError(f"the `{name}` implementation must subclass {interface.__name__}")

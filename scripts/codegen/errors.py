"""The generator's one kind of failure: a line naming the document, the JSON pointer, and what to change."""


class SpecError(Exception):
    def __init__(self, source: str, pointer: str, message: str) -> None:
        super().__init__(f"{source}{pointer}: {message}")
        self.source = source
        self.pointer = pointer
        self.message = message

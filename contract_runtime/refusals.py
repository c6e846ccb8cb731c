"""Refusals by the runtime itself (bad input, missing credentials, an unacceptable Accept, limits): unlike a
problem an implementation raises, a refusal is sent even where the spec declares no response for its status
(the gap is logged), because the alternative would be to accept what the contract forbids."""

from contract_runtime.problems import ProblemError


class Refusal(ProblemError):
    pass

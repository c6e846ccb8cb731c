"""String formats as JSON Schema defines them, applied once when the runtime is imported.

`format: email` is a syntax check. email-validator (behind Pydantic's EmailStr) also refuses special-use domains
(`.test`, `.arpa`, ...), which JSON Schema, and so every client generating from the spec, deems valid; its
documented way to allow them is to remove them from this list.
"""

import email_validator

email_validator.SPECIAL_USE_DOMAIN_NAMES.clear()

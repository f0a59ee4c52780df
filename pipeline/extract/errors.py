"""The one error type of extraction: a reason a person can read."""


class ExtractionError(ValueError):
    """The file cannot be read; the message says why ("password-protected PDF", "corrupt DOCX: …")."""

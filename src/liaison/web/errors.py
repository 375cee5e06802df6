"""The one error the web layer turns into a 404."""


class NotFound(Exception):
    """No such document, entity or event in the record."""

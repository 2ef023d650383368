"""Text of an IGF session page -> `SessionRecord` (no RDF here)."""

from igfkg.parse.session import explain_session, parse_session

__all__ = ["parse_session", "explain_session"]

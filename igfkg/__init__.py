"""igfkg: a knowledge-graph builder for Internet Governance Forum session pages."""

__version__ = "0.1.0"


def __getattr__(name: str):
    """`igfkg.query(...)`, imported on first use so `import igfkg` stays light."""
    if name == "query":
        from igfkg.named_queries import query

        return query
    raise AttributeError(f"module 'igfkg' has no attribute {name!r}")

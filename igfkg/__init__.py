"""igfkg: a knowledge-graph builder for Internet Governance Forum session pages."""

__version__ = "0.1.0"

"""One repository module per aggregate; all share the helpers in ``base``."""

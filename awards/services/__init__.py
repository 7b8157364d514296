"""State changes of the awards app, one module per concern; each function keyword-only with actor=, atomic."""

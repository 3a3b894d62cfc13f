"""fixes stage."""

"""Pure computer vision and geometry for try-on: no Flask, no database."""

"""Per-backend kernel overrides, shipped as ``xalbu.backends`` (see DESIGN.md)."""

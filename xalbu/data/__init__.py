"""xalbu."""

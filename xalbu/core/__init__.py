"""Pipeline core: transform bases, compositions, targets, validation and random streams."""

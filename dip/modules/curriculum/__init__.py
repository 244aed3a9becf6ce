"""DIP modules and lessons (content/ inside this package), schedule, progress, self-checks, offline packs."""

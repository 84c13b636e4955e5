"""Background tasks: ids in; actions and pure code do the work."""

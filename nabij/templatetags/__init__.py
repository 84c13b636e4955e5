"""Template filters of the Nabij interface."""

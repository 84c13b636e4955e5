"""Subcommands of the `nabij` console command that need Django."""

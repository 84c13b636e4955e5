"""Channel connectors: one package per channel, one contract (`base`), one registry."""

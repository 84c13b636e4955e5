"""The web layer: thin views that parse, call one action, render."""

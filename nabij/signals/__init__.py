"""Signals for policy: spikes, patterns, rumours, coordinated posting, polarisation, response.

Pure statistics over plain records (no Django, no I/O besides packaged data files).
"""

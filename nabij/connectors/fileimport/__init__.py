"""Imports of platform and webcare-tool exports (CSV, JSON, JSONL, XLSX), streamed."""

from nabij.connectors.fileimport.connector import FileImportConnector, ImportStats, import_file

__all__ = ["FileImportConnector", "ImportStats", "import_file"]

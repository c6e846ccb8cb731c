"""Persistence: tables, portable column types, engine setup and repositories."""

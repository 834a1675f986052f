"""Per-tool meanings of shell commands; every module here registers handlers on import."""

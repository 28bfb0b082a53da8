"""The knowledge base: its data model, loading and validating the YAML files, and the one region resolver."""

"""The scenario spec: YAML -> validated, frozen pydantic models (no runtime arrays)."""

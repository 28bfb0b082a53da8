"""YAML parsing through libyaml's C loader where PyYAML was built with it (ten times faster on
the knowledge base than the pure-Python loader), with the same safe semantics otherwise."""

from __future__ import annotations

from typing import Any

import yaml

SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    return yaml.load(text, Loader=SAFE_LOADER)

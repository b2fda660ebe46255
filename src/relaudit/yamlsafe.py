"""Bounded YAML reading for user-written files: no code, no alias bombs, no nesting deep enough to crash."""

from __future__ import annotations

from typing import Any

import yaml

# A real rule pack or configuration expands to a few thousand values; an alias bomb ("billion laughs") to billions.
MAX_VALUES = 200_000
# PyYAML composes and constructs recursively: far below Python's recursion limit, and far beyond any real file.
MAX_DEPTH = 100


class YamlLimitError(ValueError):
    """The document is valid YAML but too large or too deep once aliases are expanded."""


def load_bounded(text: str, loader: type[yaml.SafeLoader] = yaml.SafeLoader) -> Any:
    """Parse one YAML document with a safe loader after checking its expanded size and depth.

    Raises yaml.YAMLError for bad YAML (and for tags such as !!python/object, which safe loaders refuse) and
    YamlLimitError for a document that would explode memory or the stack.
    """
    reader = loader(text)
    try:
        try:
            node = reader.get_single_node()
        except RecursionError as error:
            raise YamlLimitError(f"nested more than {MAX_DEPTH} levels deep") from error
        if node is None:
            return None
        check_node(node)
        return reader.construct_document(node)
    finally:
        reader.dispose()


def check_node(root: yaml.Node) -> None:
    """Refuse a node graph that expands to more than MAX_VALUES values, nests deeper than MAX_DEPTH, or loops."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    # Iterative post-order walk: (node, depth, children pushed yet); aliases share nodes, so sizes are memoised.
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, expanded = stack.pop()
        key = id(node)
        if expanded:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_VALUES:
                raise YamlLimitError(f"expands to more than {MAX_VALUES:,} values (an alias bomb?)")
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlLimitError("an alias refers to a value that contains it")
        if depth > MAX_DEPTH:
            raise YamlLimitError(f"nested more than {MAX_DEPTH} levels deep")
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node) if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []

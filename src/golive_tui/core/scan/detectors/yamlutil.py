"""YAML with line numbers: PyYAML's composed node graph, plus small accessors.

Composing (not constructing) keeps every node's position for evidence lines, and tolerates the
custom tags CI systems use (`!reference`, `!Ref`), which a safe constructor would reject.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
else:
    # Importing PyYAML costs ~11 ms of a scan (its reader compiles a large Unicode class at
    # import); a scan whose files all come from the cache parses no YAML, so PyYAML is imported
    # by the first parse (`_pyyaml`). Until then no node exists, and a class nothing is an
    # instance of answers every `isinstance` here and in the families (`yamlutil.ScalarNode`,
    # looked up when called) as the real classes would.
    class _NotLoaded:
        """Stands for PyYAML's node classes until PyYAML is imported."""

    MappingNode = Node = ScalarNode = SequenceNode = _NotLoaded


__all__ = [
    "MappingNode",
    "Node",
    "ScalarNode",
    "SequenceNode",
    "YamlError",
    "get",
    "items",
    "line",
    "load_all",
    "scalar",
    "seq",
    "strings",
    "to_python",
]


#: How many nodes aliases (and merge keys) may add to a file when expanded. Real CI files and
#: manifests reuse a few blocks a few times; a bomb adds billions.
ALIAS_BUDGET = 100_000


class YamlError(Exception):
    """Unparseable YAML, with the 1-based line it failed at."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@cache
def _pyyaml() -> Any:
    """PyYAML, imported on first use, with the node classes bound to the real ones."""
    import yaml
    from yaml import nodes

    module = sys.modules[__name__]
    for name in ("MappingNode", "Node", "ScalarNode", "SequenceNode"):
        setattr(module, name, getattr(nodes, name))
    return yaml


def prepare() -> None:
    """Import PyYAML now: a family that parses YAML calls this before the scan forks, so the
    workers inherit it instead of each importing it on its first file."""
    _pyyaml()


if "yaml" in sys.modules:  # imported already (by a caller): bind the real classes now
    _pyyaml()


def _loader(yaml: Any) -> Any:
    """libyaml's loader, several times faster, when this PyYAML build has it."""
    return getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


def load_all(text: str) -> list[Node]:
    """Every document's root node (empty documents skipped). Raises YamlError."""
    yaml = _pyyaml()
    try:
        docs = [doc for doc in yaml.compose_all(text, Loader=_loader(yaml)) if doc is not None]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 1 if mark is not None else 1
        return _raise(where, f"{exc.problem or exc.context or 'invalid YAML'}")
    except yaml.YAMLError as exc:
        return _raise(1, str(exc).splitlines()[0] if str(exc) else "invalid YAML")
    except (ValueError, RecursionError) as exc:  # e.g. bad escapes in the C reader
        return _raise(1, str(exc) or "invalid YAML")
    if "*" in text:  # no alias without a `*`: the common file skips the count
        check_expansion(docs)
    return docs


def check_expansion(docs: list[Node], budget: int = ALIAS_BUDGET) -> int:
    """The number of nodes `docs` expand to, each alias counted as a copy of its target.

    Raises YamlError when aliases add more than `budget` nodes or form a cycle. One iterative
    pass over the distinct nodes (sizes are memoised), so the count itself is cheap.
    """
    cap = budget * 4 + 1  # sizes saturate here: the answer is only compared with the budget
    tree = _tree_size(docs)
    if tree is not None:  # no node reached twice: no alias, nothing expands
        return min(cap, tree)
    size: dict[int, int] = {}
    open_: set[int] = set()  # on the current path: meeting one again is a cycle
    distinct = 0
    total = 0
    for doc in docs:
        stack: list[tuple[Node, bool]] = [(doc, False)]
        while stack:
            node, done = stack.pop()
            key = id(node)
            if done:
                open_.discard(key)
                size[key] = min(cap, 1 + sum(size[id(c)] for c in _children(node)))
                continue
            if key in size:
                continue
            if key in open_:
                raise YamlError(line(node), "an alias refers to a node that contains it")
            open_.add(key)
            distinct += 1
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node) if id(c) not in size)
        total = min(cap, total + size[id(doc)])
        if total - distinct > budget:
            raise YamlError(
                line(doc),
                f"aliases expand to more than {budget} extra nodes (refused: an alias bomb?)",
            )
    return total


def _tree_size(docs: list[Node]) -> int | None:
    """The node count when no node is reached twice (no alias, no cycle), else None.

    Most files with a `*` have it in a glob (`'**/*.go'`), not an alias: one flat pass over
    the nodes answers them. moby's 17 such CI files: 10.3 -> 1.6 ms (the full count's
    per-node bookkeeping, size sums and done-markers), loading its 27 CI files 25.4 -> 15.4 ms."""
    seen: set[int] = set()
    stack: list[Node] = list(docs)
    while stack:
        node = stack.pop()
        key = id(node)
        if key in seen:
            return None
        seen.add(key)
        if isinstance(node, MappingNode):
            for pair in node.value:
                stack.extend(pair)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return len(seen)


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _raise(line: int, message: str) -> list[Node]:
    raise YamlError(line, message)


def line(node: Node) -> int:
    """1-based line where a node starts."""
    return int(node.start_mark.line) + 1


def end_line(node: Node) -> int:
    """1-based line of a node's last character (block scalars end on the line after)."""
    mark = node.end_mark
    end = int(mark.line) + 1
    if mark.column == 0 and end > line(node):
        end -= 1
    return end


def items(node: Node | None) -> Iterator[tuple[ScalarNode, Node]]:
    """A mapping's (key, value) pairs with scalar keys, following `<<: *anchor` merges."""
    # Iterative: a chain of thousands of merges must not exhaust the stack.
    stack: list[Iterator[tuple[Node, Node]]] = []
    if isinstance(node, MappingNode):
        stack.append(iter(node.value))
    while stack:
        pair = next(stack[-1], None)
        if pair is None:
            stack.pop()
            continue
        key, value = pair
        if isinstance(key, ScalarNode) and key.value == "<<" and key.tag.endswith(":merge"):
            sources = value.value if isinstance(value, SequenceNode) else [value]
            stack.extend(iter(s.value) for s in reversed(sources) if isinstance(s, MappingNode))
        elif isinstance(key, ScalarNode):
            yield key, value


def get(node: Node | None, key: str) -> Node | None:
    """The value under `key` (last one wins, as YAML loaders do), or None."""
    found: Node | None = None
    for k, v in items(node):
        if k.value == key:
            found = v
    return found


def key_node(node: Node | None, key: str) -> ScalarNode | None:
    found: ScalarNode | None = None
    for k, _ in items(node):
        if k.value == key:
            found = k
    return found


def scalar(node: Node | None) -> str | None:
    """A scalar's text, or None for anything else (and for explicit null)."""
    if isinstance(node, ScalarNode):
        if node.tag.endswith(":null"):
            return None
        return str(node.value)
    return None


def seq(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def strings(node: Node | None) -> list[ScalarNode]:
    """Scalars of a string or (nested) list of strings, e.g. GitLab's `script:`."""
    if isinstance(node, ScalarNode) and scalar(node) is not None:
        return [node]
    out: list[ScalarNode] = []
    for child in seq(node):
        out.extend(strings(child))
    return out


def is_true(node: Node | None) -> bool:
    text = scalar(node)
    return text is not None and text.lower() in ("true", "yes", "on", "1")


def to_python(node: Node | None, _depth: int = 0) -> object:
    """Plain Python data (scalars stay strings except YAML booleans and null)."""
    if node is None or _depth > 50:
        return None
    if isinstance(node, ScalarNode):
        if node.tag.endswith(":null"):
            return None
        if node.tag.endswith(":bool"):
            return str(node.value).lower() in ("true", "yes", "on")
        return str(node.value)
    if isinstance(node, SequenceNode):
        return [to_python(child, _depth + 1) for child in node.value]
    return {k.value: to_python(v, _depth + 1) for k, v in items(node)}


def block_scalar_first_line(node: ScalarNode) -> int:
    """Line of the first content line: block scalars (`run: |`) start one line after the key."""
    if node.style in ("|", ">"):
        return line(node) + 1
    return line(node)

"""Rules text (the repo's YAML file or an SSM parameter's value) → `RuleSet`, with errors that name the line.

The YAML is composed into nodes (not loaded into dicts) so every value keeps its start mark; any
problem raises `RulesError` with `source:line: message`, and the manager refuses to start on it.

    version: 1
    rules:
      - name: lambda
        prefix: /aws/lambda/        # or glob: "…" or regex: "…" (exactly one)
        tags: {team: "*"}           # optional; "*" means "key present"
        retention_days: 30          # optional; omitted or null leaves retention alone
        subscribe: true             # default false
        filter_pattern: ""          # default "" (every event)
        enforce: false              # default false: keep a retention someone already set
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from subscription.rules import MatchKind, NameMatcher, Rule, RuleSet, validate_retention_days

# The bundled rules: package data, so the Lambda zip and a wheel find them alike.
DEFAULT_RULES_PATH = Path(str(resources.files("subscription").joinpath("rules.yaml")))
SUPPORTED_VERSIONS = (1,)
_T = TypeVar("_T")
RULE_KEYS = frozenset(
    {"name", "prefix", "glob", "regex", "tags", "retention_days", "subscribe", "filter_pattern", "enforce"}
)


class RulesError(ValueError):
    """An invalid rules document; the message starts with `source:line:`."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


def load_rules_file(path: Path = DEFAULT_RULES_PATH) -> RuleSet:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise RulesError(str(path), None, f"cannot read rules file: {err.strerror or err}") from err
    return parse_rules(text, source=str(path))


def parse_rules(text: str, source: str = "<rules>") -> RuleSet:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise RulesError(source, mark.line + 1 if mark else None, f"invalid YAML: {err.problem}") from err
    except yaml.YAMLError as err:
        raise RulesError(source, None, f"invalid YAML: {err}") from err
    if root is None:
        raise RulesError(source, None, "the rules document is empty")
    return _Reader(source).rule_set(root)


class _Reader:
    """Walks composed YAML nodes; every error carries the node's 1-based line."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._constructor = SafeConstructor()

    def error(self, node: Node, message: str) -> RulesError:
        return RulesError(self.source, node.start_mark.line + 1, message)

    def rule_set(self, root: Node) -> RuleSet:
        top = self.mapping(root, "the rules document", frozenset({"version", "rules"}))
        if "version" in top:
            version = self.integer(top["version"], "version")
            if version not in SUPPORTED_VERSIONS:
                raise self.error(top["version"], f"unsupported version {version}; supported: 1")
        if "rules" not in top:
            raise self.error(root, "missing key 'rules' (a list of rules)")
        items = top["rules"]
        if not isinstance(items, SequenceNode) or not items.value:
            raise self.error(items, "'rules' must be a non-empty list")
        rules = tuple(self.rule(item) for item in items.value)
        names: dict[str, Node] = {}
        for rule, item in zip(rules, items.value, strict=True):
            if rule.name in names:
                first = names[rule.name].start_mark.line + 1
                raise self.error(item, f"rule name {rule.name!r} is already used on line {first}")
            names[rule.name] = item
        return RuleSet(rules=rules, source=self.source)

    def rule(self, node: Node) -> Rule:
        fields = self.mapping(node, "a rule", RULE_KEYS)
        if "name" not in fields:
            raise self.error(node, "a rule needs a 'name'")
        name = self.text(fields["name"], "name")
        kinds = [kind for kind in MatchKind if kind.value in fields]
        if len(kinds) != 1:
            raise self.error(node, f"rule {name!r} needs exactly one of 'prefix', 'glob', 'regex'")
        kind = kinds[0]
        matcher_node = fields[kind.value]
        pattern = self.text(matcher_node, kind.value)
        matcher = self.build(matcher_node, lambda: NameMatcher(kind, pattern))
        retention = None
        if "retention_days" in fields:
            retention = self.integer(fields["retention_days"], "retention_days")
            if retention is not None:
                self.build(fields["retention_days"], lambda: validate_retention_days(retention))
        return self.build(
            node,
            lambda: Rule(
                name=name,
                matcher=matcher,
                tags=self.tags(fields["tags"]) if "tags" in fields else (),
                retention_days=retention,
                subscribe=self.flag(fields, "subscribe"),
                filter_pattern=self.optional_str(fields, "filter_pattern"),
                enforce=self.flag(fields, "enforce"),
            ),
        )

    def tags(self, node: Node) -> tuple[tuple[str, str], ...]:
        if not isinstance(node, MappingNode):
            raise self.error(node, "'tags' must be a mapping of tag key to value ('*' for any value)")
        return tuple(
            (self.text(key, "tag key", raw=True), self.text(value, "tag value", raw=True)) for key, value in node.value
        )

    def flag(self, fields: dict[str, Node], key: str) -> bool:
        if key not in fields:
            return False
        value = self.value(fields[key], key)
        if not isinstance(value, bool):
            raise self.error(fields[key], f"{key} must be true or false, got {fields[key].value!r}")
        return value

    def optional_str(self, fields: dict[str, Node], key: str) -> str:
        return self.text(fields[key], key) if key in fields else ""

    def mapping(self, node: Node, what: str, allowed: frozenset[str]) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.error(node, f"{what} must be a mapping")
        fields: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = self.text(key_node, "key", raw=True)
            if key in fields:
                raise self.error(key_node, f"duplicate key {key!r}")
            if key not in allowed:
                raise self.error(key_node, f"unknown key {key!r} in {what}; expected one of {sorted(allowed)}")
            fields[key] = value_node
        return fields

    def value(self, node: Node, what: str) -> object:
        if not isinstance(node, ScalarNode):
            raise self.error(node, f"{what} must be a single value, not a list or mapping")
        try:
            return self._constructor.construct_object(node)
        except ConstructorError as err:
            raise self.error(node, f"{what}: {err.problem}") from err

    def text(self, node: Node, what: str, raw: bool = False) -> str:
        value = self.value(node, what)
        if raw:
            return str(node.value)  # tag keys and values are strings in AWS, even `env: 1`
        if not isinstance(value, str):
            raise self.error(node, f"{what} must be a string; quote it if needed, got {node.value!r}")
        return value

    def integer(self, node: Node, what: str) -> int | None:
        value = self.value(node, what)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(node, f"{what} must be a whole number of days, got {node.value!r}")
        return value

    def build(self, node: Node, make: Callable[[], _T]) -> _T:
        try:
            return make()
        except RulesError:
            raise
        except ValueError as err:
            raise self.error(node, str(err)) from err

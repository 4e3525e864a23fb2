"""What a CloudFormation template's values come to with its parameters at their defaults (used by
test_stack.py): `Ref` to a parameter, `Fn::If`, `Condition` and the condition functions are evaluated,
`AWS::NoValue` disappears; any other intrinsic (`Fn::Sub`, `Fn::GetAtt`, a `Ref` to a resource) is left as is.
"""

from __future__ import annotations

from typing import Any

_NO_VALUE = {"Ref": "AWS::NoValue"}
_DROPPED = object()


def condition(template: dict[str, Any], name: str) -> bool:
    return bool(_value(template, template["Conditions"][name]))


def resolved(template: dict[str, Any], node: Any) -> Any:
    value = _value(template, node)
    return None if value is _DROPPED else value


def _value(template: dict[str, Any], node: Any) -> Any:
    if isinstance(node, list):
        return [v for v in (_value(template, item) for item in node) if v is not _DROPPED]
    if not isinstance(node, dict):
        return node
    if node == _NO_VALUE:
        return _DROPPED
    if len(node) == 1:
        ((key, arg),) = node.items()
        if key == "Ref" and arg in template.get("Parameters", {}):
            return template["Parameters"][arg]["Default"]
        if key == "Condition":
            return condition(template, arg)
        if key == "Fn::If":
            name, when_true, when_false = arg
            return _value(template, when_true if condition(template, name) else when_false)
        if key == "Fn::Equals":
            left, right = (_value(template, a) for a in arg)
            return left == right
        if key == "Fn::Not":
            return not _value(template, arg[0])
        if key == "Fn::And":
            return all(_value(template, a) for a in arg)
        if key == "Fn::Or":
            return any(_value(template, a) for a in arg)
    return {k: v for k, v in ((k, _value(template, v)) for k, v in node.items()) if v is not _DROPPED}

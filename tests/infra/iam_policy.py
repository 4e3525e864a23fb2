"""Least-privilege checks over the IAM policies of a CloudFormation template (used by test_stack.py).

Every `Allow` statement of an identity policy must name its actions exactly (no `*`, no `s3:Put*`) and
its resources by ARN, scoped to this account and region; `Resource: "*"` is only accepted when every
action of the statement is one AWS offers no resource-level permission for (`NO_RESOURCE_LEVEL`).
Resource-based policies must not allow anonymous principals. `Fn::If` is checked in both branches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Actions for which IAM has no resource type (the service authorization reference lists none): a
# statement granting them can only say `Resource: "*"`.
NO_RESOURCE_LEVEL = frozenset(
    {
        "xray:PutTraceSegments",  # X-Ray: no resource-level permissions
        "xray:PutTelemetryRecords",
        "kinesis:ListStreams",  # listing streams is account-wide
        "logs:DescribeAccountPolicies",  # account-level subscription policy (accountPolicy mode)
        "logs:PutAccountPolicy",
    }
)
IDENTITY_POLICY_TYPES = ("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+$")
_NO_VALUE = {"Ref": "AWS::NoValue"}


@dataclass(frozen=True)
class Finding:
    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


def branches(node: Any) -> Iterator[Any]:
    """Every concrete value of `node` (both sides of an `Fn::If`); `AWS::NoValue` yields nothing."""
    if isinstance(node, dict) and set(node) == {"Fn::If"}:
        _, when_true, when_false = node["Fn::If"]
        yield from branches(when_true)
        yield from branches(when_false)
    elif node != _NO_VALUE:
        yield node


def as_list(node: Any) -> list[Any]:
    return [item for value in branches(node) for item in (value if isinstance(value, list) else [value])]


def statements(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in as_list(document.get("Statement", [])):
        yield from (s for s in branches(item) if isinstance(s, dict))


def resource_texts(node: Any) -> Iterator[str]:
    """A resource as text: literal ARNs, `Fn::Sub` templates, `<Logical.Arn>` for references."""
    for value in as_list(node):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict) and "Fn::Sub" in value:
            sub = value["Fn::Sub"]
            yield sub if isinstance(sub, str) else str(sub[0])
        elif isinstance(value, dict) and "Fn::GetAtt" in value:
            yield "<{}.{}>".format(*value["Fn::GetAtt"])
        elif isinstance(value, dict) and "Ref" in value:
            yield "<{}>".format(value["Ref"])
        else:
            yield str(value)


def resource_problem(resource: str) -> str | None:
    """Why an ARN is broader than one resource family of this account and region, or None."""
    if resource.startswith("<") or re.match(r"^\$\{[A-Za-z0-9]+\.Arn\}(/|$)", resource):
        return None  # a resource of the stack itself (or paths inside it: objects of its bucket...)
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return f"resource {resource!r} is not an ARN"
    _, _, service, region, account, rest = parts
    if "*" in region or "*" in account:
        return f"resource {resource!r} is not scoped to one region and account"
    if service not in ("s3", "iam") and (not region or not account):
        return f"resource {resource!r} names no region or account"
    if rest in ("*", "") or rest.startswith("*"):
        return f"resource {resource!r} matches every {service} resource"
    return None


def check_identity_statement(where: str, statement: dict[str, Any]) -> list[Finding]:
    if statement.get("Effect") != "Allow":
        return []
    if "NotAction" in statement or "NotResource" in statement:
        return [Finding(where, "NotAction / NotResource grant everything else")]
    actions = [str(a) for a in as_list(statement.get("Action", []))]
    findings = [Finding(where, f"action {a!r} is a wildcard") for a in actions if not _ACTION.match(a)]
    for resource in resource_texts(statement.get("Resource", [])):
        if resource == "*":
            broad = sorted(set(actions) - NO_RESOURCE_LEVEL)
            if broad:
                findings.append(Finding(where, f'Resource "*" for {broad}, which have resource-level permissions'))
        elif (problem := resource_problem(resource)) is not None:
            findings.append(Finding(where, problem))
    return findings


def identity_documents(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            for policy in as_list(props.get("Policies", [])):
                yield f"{name}/{policy.get('PolicyName')}", policy["PolicyDocument"]
        elif resource["Type"] in IDENTITY_POLICY_TYPES:
            yield name, props["PolicyDocument"]


def resource_documents(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        for key in ("PolicyDocument", "AccessPolicies"):
            if key in props and resource["Type"] not in IDENTITY_POLICY_TYPES:
                yield name, props[key]


def is_anonymous(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and any(value == "*" for value in as_list(principal.get("AWS", [])))


def check_template(template: dict[str, Any]) -> list[Finding]:
    """Every least-privilege problem of the template's IAM policies (empty when there is none)."""
    findings: list[Finding] = []
    for where, document in identity_documents(template):
        for index, statement in enumerate(statements(document)):
            findings.extend(check_identity_statement(f"{where}[{statement.get('Sid', index)}]", statement))
    for where, document in resource_documents(template):
        for statement in statements(document):
            if statement.get("Effect") == "Allow" and is_anonymous(statement.get("Principal")):
                findings.append(Finding(where, "allows any principal"))
    return findings

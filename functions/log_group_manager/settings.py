"""The manager's settings, read once from environment variables into a frozen object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from functions.env_settings import SettingsError
from subscription.plan import PlanSettings, default_parser_log_group

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True)
class Settings:
    """`LOGLAKE_PARSER_ARN` (required): where groups are subscribed.
    `LOGLAKE_PARSER_LOG_GROUP`: the parser's own group (default `/aws/lambda/<parser function>`).
    `LOGLAKE_RULES_SSM_PARAMETER`: SSM parameter holding rules YAML (default: the bundled rules.yaml).
    `LOGLAKE_ACCOUNT_POLICY`: true for one account-level subscription policy instead of per-group filters.
    `LOGLAKE_OWN_LOG_GROUPS`: more comma-separated groups never to subscribe; the manager's own group
    (`AWS_LAMBDA_LOG_GROUP_NAME`, set by Lambda) is always added.
    """

    parser_arn: str
    parser_log_group: str
    rules_ssm_parameter: str | None = None
    account_policy: bool = False
    own_log_groups: frozenset[str] = frozenset()
    region: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        parser_arn = env.get("LOGLAKE_PARSER_ARN", "").strip()
        if not parser_arn:
            raise SettingsError("LOGLAKE_PARSER_ARN is not set: the parser Lambda ARN to subscribe groups to")
        try:
            parser_log_group = env.get("LOGLAKE_PARSER_LOG_GROUP", "").strip() or default_parser_log_group(parser_arn)
        except ValueError as err:
            raise SettingsError(f"LOGLAKE_PARSER_ARN: {err}") from err
        own = {name.strip() for name in env.get("LOGLAKE_OWN_LOG_GROUPS", "").split(",") if name.strip()}
        if env.get("AWS_LAMBDA_LOG_GROUP_NAME"):
            own.add(env["AWS_LAMBDA_LOG_GROUP_NAME"])
        return cls(
            parser_arn=parser_arn,
            parser_log_group=parser_log_group,
            rules_ssm_parameter=env.get("LOGLAKE_RULES_SSM_PARAMETER", "").strip() or None,
            account_policy=parse_flag(env.get("LOGLAKE_ACCOUNT_POLICY", ""), "LOGLAKE_ACCOUNT_POLICY"),
            own_log_groups=frozenset(own),
            region=env.get("AWS_REGION") or None,
        )

    def plan_settings(self) -> PlanSettings:
        return PlanSettings(
            parser_arn=self.parser_arn,
            parser_log_group=self.parser_log_group,
            own_log_groups=self.own_log_groups,
            account_policy=self.account_policy,
        )


def parse_flag(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise SettingsError(f"{name} must be true or false, got {value!r}")

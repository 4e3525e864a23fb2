from __future__ import annotations

import pytest

from functions.log_group_manager.settings import Settings, SettingsError

PARSER = "arn:aws:lambda:eu-west-1:123456789012:function:loglake-prod-parser"


def test_settings_come_from_the_environment_with_defaults() -> None:
    # Given only the parser ARN and what Lambda sets itself
    env = {"LOGLAKE_PARSER_ARN": PARSER, "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/loglake-prod-manager"}
    settings = Settings.from_env(env)
    # Then the parser's group is derived, the manager's own group is never subscribed, per-group mode is used
    assert settings.parser_log_group == "/aws/lambda/loglake-prod-parser"
    assert settings.own_log_groups == frozenset({"/aws/lambda/loglake-prod-manager"})
    assert (settings.account_policy, settings.rules_ssm_parameter) == (False, None)
    assert settings.plan_settings().never_subscribe() == {
        "/aws/lambda/loglake-prod-parser",
        "/aws/lambda/loglake-prod-manager",
    }


def test_every_setting_can_be_given() -> None:
    settings = Settings.from_env(
        {
            "LOGLAKE_PARSER_ARN": PARSER,
            "LOGLAKE_PARSER_LOG_GROUP": "/custom/parser",
            "LOGLAKE_RULES_SSM_PARAMETER": "/loglake/rules",
            "LOGLAKE_ACCOUNT_POLICY": "TRUE",
            "LOGLAKE_OWN_LOG_GROUPS": "/a, /b,",
            "AWS_REGION": "eu-west-1",
        }
    )
    assert settings == Settings(
        parser_arn=PARSER,
        parser_log_group="/custom/parser",
        rules_ssm_parameter="/loglake/rules",
        account_policy=True,
        own_log_groups=frozenset({"/a", "/b"}),
        region="eu-west-1",
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "LOGLAKE_PARSER_ARN is not set"),
        ({"LOGLAKE_PARSER_ARN": "arn:aws:sqs:eu-west-1:1:q"}, "not a Lambda function ARN"),
        (
            {"LOGLAKE_PARSER_ARN": PARSER, "LOGLAKE_ACCOUNT_POLICY": "sometimes"},
            "LOGLAKE_ACCOUNT_POLICY must be",
        ),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)

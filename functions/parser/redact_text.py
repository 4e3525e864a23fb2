"""Secrets in free text, found with Python regular expressions and replaced in place. Pure.

This runs only on the values the RE2 pre-check of `redact.py` found a trigger in (a few in a
thousand lines), so it can afford to be thorough. Four families, the built-in rule names:

- `aws_keys`: access key ids (AKIA…, ASIA…), a 40-character secret access key in a value that also
  holds a key id (CSV rows, `id:secret` pairs), STS session tokens (IQoJb3JpZ2lu…, FwoGZXIvYXdz…);
- `secrets`: the value of any key that names a secret (`password`, `client_secret`, `x-api-key`,
  `Authorization`, `aws_session_token`, `Cookie`… — see `key_kind`) written as `key=value`,
  `key: value`, `"key": "value"`, `'key': 'value'`, `key = '…'`, `Key=[…]`, `<key>value</key>`; and
  the password of a URL (`postgres://user:password@host`);
- `tokens`: JWTs anywhere, `Bearer <token>` in prose, tokens whose prefix names their issuer
  (GitHub, Slack, Stripe, Google API keys, GitLab, npm);
- `private_keys`: PEM private key blocks, with or without their END line.

Replacements keep the text around them well formed: a quoted value is replaced together with its
quotes by the same quotes around `[REDACTED]`, and an unquoted value never ends inside an escape
sequence, so JSON (or a Python repr) that held a secret is still JSON after. `\\u0041`-style escapes
of letters and digits are decoded first, so an escaped key id is found like a plain one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from functools import lru_cache
from typing import Any, cast

REDACTED = "[REDACTED]"


class _LazyPattern:
    """A pattern compiled when first used: these run only on the rare values a trigger flagged, and
    compiling them all took ~10 ms of every cold start."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:  # search, sub, finditer...: the compiled pattern's own
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)


def _lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))


AWS_KEYS, SECRETS, TOKENS, PRIVATE_KEYS = "aws_keys", "secrets", "tokens", "private_keys"
FAMILIES = (AWS_KEYS, SECRETS, TOKENS, PRIVATE_KEYS)


class KeyKind(Enum):
    SECRET = "secret"  # the value is a secret
    PLURAL = "plural"  # `tokens`, `secrets`: a number there is a count, anything else a secret


# --- which keys name a secret ------------------------------------------------------------------------
_WORD = _lazy(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_SECRET_WORDS = frozenset(
    "password passwd passphrase pass pwd secret token credential credentials creds authorization auth "  # noqa: SIM905
    "cookie signature sig dsn apikey privatekey secretkey accesskey sessionkey".split()
)
_PLURALS = frozenset(("secrets", "tokens", "cookies", "passwords"))
_SECRET_ENDINGS = ("password", "passwd", "secret", "token", "apikey", "privatekey", "secretkey", "credentials")
# "<qualifier> key" names a secret (api key, signing key); a bare `key` (an S3 key, a map key) does not
KEY_QUALIFIERS = tuple(
    "api private secret access signing encryption master client account app subscription license session "  # noqa: SIM905
    "shared consumer auth".split()
)
# a word after the secret word that makes the key describe the secret rather than hold it
_DESCRIPTIVE = frozenset(
    "arn arns name names id ids type types count counts length len size limit limits usage used expiry "  # noqa: SIM905
    "expires expired expiration exp ttl version versions path file url uri endpoint domain provider policy "
    "rotation rotated hint set required enabled changed updated created at reset strength format source "
    "manager field fields status mode method region location label description algorithm alg kind scope "
    "scopes issuer audience fingerprint exception error errors fault failure failed invalid missing "
    "rejected denied".split()
)


@lru_cache(maxsize=4096)
def key_kind(key: str) -> KeyKind | None:
    """Whether `key` (any case style: snake, kebab, camel, dotted) names a secret value."""
    words = [w.lower() for w in _WORD.findall(key)]
    if key.lower() == "pwd":  # the shell's working directory in an environment dump
        return None
    for i, word in enumerate(words):
        plural = word in _PLURALS
        if (
            plural
            or word in _SECRET_WORDS
            or word.endswith(_SECRET_ENDINGS)
            or (word == "key" and i > 0 and words[i - 1] in KEY_QUALIFIERS)
        ):
            if any(later in _DESCRIPTIVE for later in words[i + 1 :]):
                return None
            return KeyKind.PLURAL if plural else KeyKind.SECRET
    return None


# values that hide nothing: left as they are (booleans, placeholders, values masked already)
_INERT = _lazy(
    r"(?i)(?:yes|no|true|false|null|none|nil|undefined|\*+|x{3,}|-+|\.{3}|<[^<>]*>|\[(?:redacted|filtered|hidden)[^\]]*\]"
    r"|\$\{[^}]*\}|%s|\{\}|)"
)
_SCHEME = _lazy(
    r"(?i)(?:bearer|basic|digest|token|bot|negotiate|ntlm|oauth|apikey|ssws|sso|aws4-hmac-sha256|hmac)[ \t]+"
)


def inert(value: str) -> bool:
    return _INERT.fullmatch(value.strip()) is not None


def redacted_value(value: str) -> str | None:
    """What replaces the secret `value`, keeping an auth scheme (`Bearer [REDACTED]`); None: leave it."""
    scheme = _SCHEME.match(value)
    rest = value[scheme.end() :] if scheme else value
    if inert(rest):
        return None
    return (scheme.group(0) if scheme else "") + REDACTED


# --- triggers: substrings every match of a family contains (RE2 and Python syntax alike) -------------
ESCAPED_LETTER = r"\\u00[2-7]"  # \u0041KIA…: an escaped letter can hide any trigger
TRIGGERS = {
    AWS_KEYS: r"(?-i:A(?:KIA|SIA|BIA|CCA)[A-Z0-9]{4}|IQoJb3JpZ2lu|ZXIvYXdzE|AQoDYXdzE)",
    SECRETS: r"pass|pwd|secret|token|cred|auth|cookie|signature|sig[^a-z]|dsn|"
    rf"(?:{'|'.join(KEY_QUALIFIERS)})[^a-z0-9]?key|:(?:/|\\/){{2}}[^\s/@]*:[^\s/@]*@",
    TOKENS: r"bearer|(?-i:eyJ|AIza)|gh[pousr]_|github_pat_|xox[a-z]-|[rs]k_(?:live|test)_|whsec_|glpat-|npm_",
    PRIVATE_KEYS: r"-----begin",
}


def trigger(families: frozenset[str]) -> str:
    """One case-insensitive RE2 pattern that every value the `families` could change matches."""
    return "(?i)" + "|".join([ESCAPED_LETTER, *(TRIGGERS[f] for f in FAMILIES if f in families)])


# --- patterns ------------------------------------------------------------------------------------------
_SAFE_ESCAPE = _lazy(r"(?<!\\)((?:\\\\)*)\\u00([2-7][0-9a-fA-F])")
_SAFE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/=:")

_PEM = _lazy(
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
    r"(?:(?:[^\"\\]|\\.)*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|(?:[A-Za-z0-9+/=:,\s-]|\\[nrt])*)"
)
_AWS_ID = _lazy(r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])")
_AWS_SECRET = _lazy(
    r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[A-Z])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
)
_STS_TOKEN = _lazy(r"(?:IQoJb3JpZ2luX2|FwoGZXIvYXdzE|FQoGZXIvYXdzE|AQoDYXdzE)[A-Za-z0-9/+=%]{16,}")
_JWT = _lazy(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+){0,2}")
_VENDOR_TOKEN = _lazy(
    r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposre]-[A-Za-z0-9-]{10,}"
    r"|[rs]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}|AIza[0-9A-Za-z_-]{30,}|glpat-[A-Za-z0-9_-]{20,}"
    r"|npm_[A-Za-z0-9]{30,})"
)
_BEARER = _lazy(
    r"(?<![A-Za-z0-9])(?P<scheme>(?i:bearer)[ \t]+)(?=[A-Za-z._~+/-]*[0-9])[A-Za-z0-9._~+/-]{8,}=*(?![A-Za-z0-9=])"
)
_URL_PASSWORD = _lazy(
    r"(?P<pre>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:(?:/|\\/){2}[^\s/@:\"'<>\\]*:)"
    r"(?P<value>(?:\\[^\"\s]|[^\s@/\"'<>\\])+)(?=@)"
)

_DQ = r'"(?:[^"\\\n]|\\.)*"'
_SQ = r"'(?:[^'\\\n]|\\.)*'"
_ESCAPED_DQ = r'\\"(?:\\\\\\"|\\[^"]|[^"\\\n])*?\\"'  # "…" inside a JSON string: \"…\" (and \\\" within)
_QUOTED = rf"b?(?:{_DQ}|{_SQ})|{_ESCAPED_DQ}"
# a word of an unquoted value: an escape is never cut (a backslash takes its next character), and a value
# replaced already ([REDACTED:token]) is one word
_RUN = r"(?:\[REDACTED[^\]]*\]|\\[^nrt\s]|[^\s\"'`,;&|)}\]\\])+"
_BARE = rf"(?![\[{{(<]){_RUN}(?:[ ]+(?![\w.\-]+[ ]?[:=]){_RUN})*"  # words up to a delimiter or the next key
_LIST = rf"\[[ ]*(?:{_QUOTED})(?:[ ]*,[ ]*(?:{_QUOTED}))*[ ]*\]"
_STEMS = "pass|pwd|secret|token|cred|auth|cookie|sig|key|dsn"
_PAIR = _lazy(
    rf"""
    (?<![A-Za-z0-9_])
    (?=[A-Za-z_\\"'])  # a first character the engine can look for cheaply
    (?P<kq>\\?["'])?
    (?=[A-Za-z0-9_.\-]{{0,80}}?(?i:{_STEMS}))  # only keys that may name a secret: other values are scanned
    (?P<key>[A-Za-z_][A-Za-z0-9_.\-]{{0,79}}(?<=[A-Za-z0-9_]))
    (?(kq)(?P=kq))
    (?P<sep>[ \t]*(?::=|=>|=|:)[ \t]*)
    (?P<value>{_LIST}|{_QUOTED}|{_BARE})
    """,
    re.VERBOSE,
)
_XML_PAIR = _lazy(  # <apiKey>…</apiKey> in an XML access log
    rf"<(?=[A-Za-z0-9_.\-]{{0,80}}?(?i:{_STEMS}))(?P<key>[A-Za-z_][\w.\-]{{0,79}})>(?P<value>[^<]*)</(?P=key)>"
)
_HAS_STEM = _lazy(rf"(?i){_STEMS}")
_QUOTED_ITEM = _lazy(_QUOTED)
_QUOTED_VALUE = _lazy(rf"(?:{_QUOTED})\Z")
_NUMBER = _lazy(r"[0-9]+(?:\.[0-9]+)?")

Replace = Callable[[re.Match[str]], str]


class _Counter:
    """A replacement function that counts the values it replaced."""

    def __init__(self) -> None:
        self.count = 0

    def const(self, text: str) -> Replace:
        def replace(_: re.Match[str]) -> str:
            self.count += 1
            return text

        return replace

    def url_password(self, match: re.Match[str]) -> str:
        if inert(match.group("value")):
            return match.group(0)
        self.count += 1
        return match.group("pre") + REDACTED

    def bearer(self, match: re.Match[str]) -> str:
        self.count += 1
        return match.group("scheme") + REDACTED

    def pair(self, match: re.Match[str]) -> str:
        kind = key_kind(match.group("key")) if _HAS_STEM.search(match.group("key")) else None
        value, sep = match.group("value"), match.group("sep")
        quoted = value.startswith("[") or _QUOTED_VALUE.match(value) is not None
        head = match.group(0)[: match.start("value") - match.start()]
        if kind is None or (kind is KeyKind.PLURAL and _NUMBER.fullmatch(value)):
            return head + _PAIR.sub(self.pair, value) if quoted else match.group(0)  # `token_type="…"`: look inside
        if not match.group("kq") and sep.strip() == ":" and sep == sep.rstrip() and not quoted:
            return match.group(0)  # `secret:prod/db` in an ARN is not `secret: value`
        if value.startswith("["):
            return head + _QUOTED_ITEM.sub(self.quoted, value)
        if quoted:
            return head + self.quoted_text(value)
        rest = ""
        if "=" in sep and not match.string.startswith(";", match.end()):  # `key=value words`: one word
            scheme = _SCHEME.match(value)
            cut = value.find(" ", scheme.end() if scheme else 0)
            value, rest = (value, "") if cut < 0 else (value[:cut], value[cut:])
        new = redacted_value(value)
        if new is None:
            return match.group(0)
        self.count += 1
        return head + new + rest

    def xml(self, match: re.Match[str]) -> str:
        new = redacted_value(match.group("value")) if key_kind(match.group("key")) is KeyKind.SECRET else None
        if new is None:
            return match.group(0)
        self.count += 1
        return f"<{match.group('key')}>{new}</{match.group('key')}>"

    def quoted(self, match: re.Match[str]) -> str:
        return self.quoted_text(match.group(0))

    def quoted_text(self, text: str) -> str:
        opening = text[: 2 if text[:2] in ('b"', "b'", '\\"') else 1]
        closing = opening.removeprefix("b")
        new = redacted_value(text[len(opening) : len(text) - len(closing)])
        if new is None:
            return text
        self.count += 1
        return opening + new + closing


def _decode_safe_escapes(text: str) -> str:
    def decode(match: re.Match[str]) -> str:
        char = chr(int(match.group(2), 16))
        return match.group(1) + char if char in _SAFE_CHARS else match.group(0)

    return _SAFE_ESCAPE.sub(decode, text)


def scrub_text(text: str, families: frozenset[str]) -> tuple[str, int]:
    """`text` with the secrets of `families` replaced, and how many values were replaced."""
    out = _decode_safe_escapes(text) if "\\u00" in text else text
    counter = _Counter()
    if PRIVATE_KEYS in families:
        out = _PEM.sub(counter.const("[REDACTED:private_key]"), out)
    if AWS_KEYS in families:
        out = _STS_TOKEN.sub(counter.const("[REDACTED:aws_session_token]"), out)
        before = counter.count
        out = _AWS_ID.sub(counter.const("[REDACTED:aws_key]"), out)
        if counter.count > before:
            out = _AWS_SECRET.sub(counter.const("[REDACTED:aws_secret]"), out)
    if TOKENS in families:
        out = _JWT.sub(counter.const("[REDACTED:token]"), out)
        out = _VENDOR_TOKEN.sub(counter.const("[REDACTED:token]"), out)
        out = _BEARER.sub(counter.bearer, out)
    if SECRETS in families:
        out = _URL_PASSWORD.sub(counter.url_password, out)
        out = _PAIR.sub(counter.pair, out)
        out = _XML_PAIR.sub(counter.xml, out)
    return (out, counter.count) if counter.count else (text, 0)

"""The one redaction over a generated zoo of URL shapes (issue 18, class 6: leaks).

Every URL is built from parts — scheme (rtsp, rtsps, http, https), user-info with ``@``
and ``:`` in passwords (raw or percent-encoded), hosts (names, IPv4, IPv6 with zones),
ports, paths, query parameters in any order with secret keys under many names and
cases (``loginpas``, ``pw``, ``psw``, ``pword``, ``user_pwd``, ``apikey``,
``access_token``, ``token``, ``secret``, ``auth``, ``sig``, percent-encoded keys), in
the query, the fragment and path parameters — and the redacted text must hold no
secret and be exactly the URL with each secret replaced by ``***``.

Example counts: 600 generated URLs alone, 300 inside error texts, 300 through
:func:`url_template`, 200 secret-key spellings, 200 plain texts with phones, e-mails and
names; plus a table of 24 hand-picked shapes.
"""

from __future__ import annotations

import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from covplan._redact import is_secret_key, mask_personal, redact, redact_url, url_template

FAST = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SECRET_KEYS = [
    "password", "passwd", "pwd", "pass", "pw", "psw", "pword", "loginpas", "user_pwd",
    "apikey", "api_key", "access_token", "token", "secret", "client_secret", "auth",
    "auth_key", "sig", "signature", "key", "session_id", "PassWord", "PWD", "ApiKey",
    "X-Auth-Token", "loginPass", "userPassword", "pin", "otp", "credential",
]  # fmt: skip
PLAIN_KEYS = [
    "channel", "subtype", "resolution", "fps", "streamtype", "profile", "unicast",
    "proto", "width", "height", "codec", "user", "username", "camera", "stream", "mode",
]  # fmt: skip
HOSTS = [
    "192.168.1.64", "10.0.0.5", "cam.example.vn", "nvr-7.local", "[fe80::1]",
    "[2001:db8::a:b]", "[::1]", "host",
]  # fmt: skip
PATHS = ["", "/", "/Streaming/Channels/101", "/cam/realmonitor", "/live/ch00_0", "/snap.jpg"]

# passwords with the characters that break naive parsers (no whitespace, no '/?#')
pw_chars = st.sampled_from([*"abcXYZ0129@:!$%*()_-+=.,~'[]", "ư", "đ"])
password = st.text(pw_chars, min_size=3, max_size=14).filter(lambda p: "***" not in p)
value_chars = st.sampled_from(list("abcdefXYZ0123456789-_.~"))
# a value ends in a letter or digit: a trailing '.' or ':' reads as the sentence's
secret_value = st.text(value_chars, min_size=4, max_size=16).filter(lambda v: v[-1].isalnum())
plain_value = st.text(value_chars, min_size=1, max_size=8).filter(lambda v: v[-1].isalnum())


def _encode_key(key: str, how: int) -> str:
    """A key as written: as is, upper case, or with one letter percent-encoded."""
    if how == 1:
        return key.upper()
    if how == 2 and key:
        i = len(key) // 2
        return key[:i] + f"%{ord(key[i]):02X}" + key[i + 1 :]
    return key


@st.composite
def zoo_url(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    """Return (url, the url with every secret as ***, the secrets)."""
    scheme = draw(st.sampled_from(["rtsp", "rtsps", "http", "https", "RTSP"]))
    host = draw(st.sampled_from(HOSTS))
    port = draw(st.sampled_from(["", ":554", ":80", ":8554", ":65535"]))
    path = draw(st.sampled_from(PATHS))
    secrets: list[str] = []
    auth = expect_auth = ""
    user = draw(st.sampled_from(["", "admin", "Admin", "a.b-c_d", "user%40x", "me@home.vn"]))
    kind = draw(st.integers(0, 3))  # none, user only, user:password raw, user:pw encoded
    if kind == 1 and user:
        auth = expect_auth = f"{user}@"
    elif kind >= 2:
        pw = draw(password)
        written = pw if kind == 2 else urllib.parse.quote(pw, safe="")
        auth, expect_auth = f"{user}:{written}@", f"{user}:***@"
        secrets.append(written)
    params: list[tuple[str, str, str]] = []  # written key=value, expected key=value
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            key = _encode_key(draw(st.sampled_from(SECRET_KEYS)), draw(st.integers(0, 2)))
            val = draw(secret_value)
            params.append((f"{key}={val}", f"{key}=***", val))
        else:
            key, val = draw(st.sampled_from(PLAIN_KEYS)), draw(plain_value)
            params.append((f"{key}={val}", f"{key}={val}", ""))
    params = draw(st.permutations(params))
    cut = draw(st.integers(0, len(params)))  # the rest goes to the fragment
    sep = draw(st.sampled_from(["&", ";"]))
    query = sep.join(p[0] for p in params[:cut])
    frag = "&".join(p[0] for p in params[cut:])
    equery = sep.join(p[1] for p in params[:cut])
    efrag = "&".join(p[1] for p in params[cut:])
    secrets += [p[2] for p in params if p[2]]
    tail = (f"?{query}" if query else "") + (f"#{frag}" if frag else "")
    etail = (f"?{equery}" if equery else "") + (f"#{efrag}" if efrag else "")
    if tail and not path:
        path = "/"
    url = f"{scheme}://{auth}{host}{port}{path}{tail}"
    expected = f"{scheme}://{expect_auth}{host}{port}{path}{etail}"
    return url, expected, secrets


def _no_secret(text: str, secrets: list[str], expected: str = "") -> None:
    """No secret in ``text`` (unless the same characters are also a kept part)."""
    for s in secrets:
        if s not in expected.replace("***", "\x00"):
            assert s not in text.replace("***", "\x00"), (s, text)


@settings(FAST, max_examples=600)
@given(zoo_url())
def test_zoo_redacted_exactly(case: tuple[str, str, list[str]]) -> None:
    url, expected, secrets = case
    out = redact_url(url)
    assert out == expected
    _no_secret(out, secrets, expected)
    assert redact(url) == expected  # the one function for messages agrees


@settings(FAST, max_examples=300)
@given(
    zoo_url(),
    st.sampled_from(
        [
            "cannot open {u}: timeout",
            "Error opening '{u}'",
            "capture failed ({u})",
            "{u}\n retry {u}",
            'GET "{u}" -> 401',
        ]
    ),
)
def test_zoo_inside_error_texts(case: tuple[str, str, list[str]], shape: str) -> None:
    url, expected, secrets = case
    out = redact(shape.format(u=url))
    _no_secret(out, secrets, expected)
    assert out == shape.format(u=expected)


@settings(FAST, max_examples=300)
@given(zoo_url())
def test_zoo_templates_hold_no_secret(case: tuple[str, str, list[str]]) -> None:
    url, _, secrets = case
    template, had = url_template(url)
    _no_secret(template.replace("{password}", ""), secrets, redact_url(url))
    assert had == bool(secrets) or "@" in url.split("://", 1)[1].split("/", 1)[0]
    assert url_template(template)[0] == template  # a template is stable


@settings(FAST, max_examples=200)
@given(st.sampled_from(SECRET_KEYS), st.integers(0, 2), st.sampled_from(["?", "&", "#", ";"]))
def test_every_secret_key_spelling(key: str, how: int, lead: str) -> None:
    written = _encode_key(key, how)
    assert is_secret_key(written)
    out = redact_url(f"http://h/x{lead}{written}=S3cr3tV4lue&fps=5")
    assert "S3cr3tV4lue" not in out and "fps=5" in out


@pytest.mark.parametrize("key", PLAIN_KEYS)
def test_plain_keys_kept(key: str) -> None:
    assert not is_secret_key(key)
    assert redact_url(f"rtsp://h/x?{key}=v1") == f"rtsp://h/x?{key}=v1"


TABLE = [
    ("rtsp://admin:p@ss:w@rd@192.168.1.64:554/x", "rtsp://admin:***@192.168.1.64:554/x"),
    ("rtsp://:only@h/x", "rtsp://:***@h/x"),
    ("rtsp://me@home.vn:pw@[fe80::1%25eth0]:554/", "rtsp://me@home.vn:***@[fe80::1%25eth0]:554/"),
    ("http://h/cgi?loginuse=admin&loginpas=12345", "http://h/cgi?loginuse=admin&loginpas=***"),
    ("http://h/cgi?user=admin&pw=x", "http://h/cgi?user=admin&pw=***"),
    ("http://h/a#access_token=abc&token_type=bearer", "http://h/a#access_token=***&token_type=***"),
    ("http://h/a;jsessionid=ABC?x=1", "http://h/a;jsessionid=***?x=1"),
    ("http://h/a?PASS%77ORD=x", "http://h/a?PASS%77ORD=***"),
    ("http://h/a?p%61ss=x&q=1", "http://h/a?p%61ss=***&q=1"),
    ("https://h/a?X-Amz-Signature=ab12&X-Amz-Date=1", "https://h/a?X-Amz-Signature=***&X-Amz-Date=1"),
    ("rtsp://u:pw@h/x?email=a@b.vn", "rtsp://u:***@h/x?email=a@b.vn"),
    ("rtsp://h:554/x", "rtsp://h:554/x"),
    ("rtsp://admin@h/x", "rtsp://admin@h/x"),
    ("rtsp://[::1]:554/live", "rtsp://[::1]:554/live"),
    ("see rtsp://a:b@h/1 and http://c:d@k/2", "see rtsp://a:***@h/1 and http://c:***@k/2"),
    ("file:///tmp/clip.mp4", "file:///tmp/clip.mp4"),
    ("clip.mp4", "clip.mp4"),
    ("http://h/x?user_pwd=1&apikey=2&psw=3&pword=4", "http://h/x?user_pwd=***&apikey=***&psw=***&pword=***"),
    ("http://h/x?secret=1&auth=2&sig=3&token=4", "http://h/x?secret=***&auth=***&sig=***&token=***"),
    ("rtsp://admin:%40%3Ab@h/", "rtsp://admin:***@h/"),
    ("RTSP://ADMIN:PW@H/", "RTSP://ADMIN:***@H/"),
    ("rtsp://u:p/q@h/x", "rtsp://u:***@h/x"),
    ("'rtsp://u:p@h'", "'rtsp://u:***@h'"),
    ("http://h/x?channel=1&subtype=0", "http://h/x?channel=1&subtype=0"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "expected"), TABLE)
def test_table_of_shapes(url: str, expected: str) -> None:
    assert redact_url(url) == expected


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hoa", "Lan", "Mai", "Tuấn"]


@st.composite
def personal(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Return (a text quoting a phone, an e-mail or a name, the values that must not show)."""
    mobile = (
        "0" + draw(st.sampled_from("35789")) + draw(st.text("0123456789", min_size=8, max_size=8))
    )
    forms = [
        f"{mobile[:4]} {mobile[4:7]} {mobile[7:]}",
        f"{mobile[:4]}.{mobile[4:7]}.{mobile[7:]}",
        f"+84 {mobile[1:4]} {mobile[4:7]} {mobile[7:]}",
        f"+84{mobile[1:]}",
        mobile,
        mobile[1:],
        f"0234 3{mobile[5:8]} {mobile[7:]}",
    ]
    phone = draw(st.sampled_from(forms))
    name = " ".join(
        [draw(st.sampled_from(FAMILY)), draw(st.sampled_from(MIDDLE)), draw(st.sampled_from(GIVEN))]
    )
    email = (
        draw(st.sampled_from(["an", "lan.tran", "x_9"]))
        + "@"
        + draw(st.sampled_from(["gmail.com", "hue.gov.vn", "x.vn"]))
    )
    which = draw(st.sampled_from([phone, name, email, name.lower()]))
    shape = draw(
        st.sampled_from(["'{v}' is not an owner kind", "{v}", "row 3: {v}; fix it", "({v})"])
    )
    return shape.format(v=which), [which]


@settings(FAST, max_examples=200)
@given(personal())
def test_personal_values_masked_by_what_they_are(case: tuple[str, list[str]]) -> None:
    text, values = case
    out = mask_personal(text, names=[v for v in values if v.islower()])
    for v in values:
        assert v not in out, (text, out)
    assert redact(text, names=values) == mask_personal(text, names=values)


def test_numbers_that_are_not_phones_are_kept() -> None:
    text = "16.4712, 107.5923 at 1920 px, 192.168.1.64, 0, 0, 3,5 m, 90-180, row 100000"
    assert mask_personal(text) == text

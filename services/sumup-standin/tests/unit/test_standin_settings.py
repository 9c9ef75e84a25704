"""The stand-in's settings from the environment, and its exact JSON numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sumup_standin.config import DEFAULT_RETRY_DELAYS_S, Settings, parse_delays
from sumup_standin.exactjson import MalformedJSON, dumps, loads


def test_settings_default_to_loopback_port_8009_and_short_retries():
    settings = Settings.from_env({})

    assert (settings.host, settings.port) == ("127.0.0.1", 8009)
    assert settings.retry_delays_s == DEFAULT_RETRY_DELAYS_S
    assert settings.public_url is None


def test_settings_are_read_from_the_environment():
    settings = Settings.from_env(
        {
            "SUMUP_STANDIN_HOST": "0.0.0.0",
            "SUMUP_STANDIN_PORT": "18009",
            "SUMUP_STANDIN_RETRY_DELAYS": "0.2, 0.5,1,2",
            "SUMUP_STANDIN_PUBLIC_URL": "http://sumup.local:8009/",
        }
    )

    assert (settings.host, settings.port) == ("0.0.0.0", 18009)
    assert settings.retry_delays_s == (0.2, 0.5, 1.0, 2.0)
    assert settings.public_url == "http://sumup.local:8009"


@pytest.mark.parametrize("text", ["-1", "nan", "1,inf", "soon"])
def test_retry_delays_that_are_not_seconds_are_refused(text):
    with pytest.raises(ValueError):
        parse_delays(text)


def test_json_numbers_keep_their_exact_digits_both_ways():
    text = (
        '{"amount":15.0,"paid":[0.1,0.01,10.10],"count":3,"label":"légumes","ok":true,"none":null}'
    )

    parsed = loads(text)

    assert parsed["amount"] == Decimal("15.0")
    assert dumps(parsed) == text


def test_json_without_numbers_as_json_knows_them_is_refused():
    with pytest.raises(MalformedJSON):
        loads('{"amount": NaN}')
    with pytest.raises(ValueError):
        dumps(Decimal("Infinity"))

"""SMTP settings as the environment gives them: an empty user name means no login."""

import pytest

from exports.bootstrap import make_mailer
from exports.config import Settings


def settings(**env) -> Settings:
    return Settings(EXPORTS_DATABASE_URL="postgresql+asyncpg://x@127.0.0.1/x",
                    ARDOISE_JWT_SECRET="s" * 32, **env)


@pytest.mark.parametrize("env", [{}, {"SMTP_USERNAME": ""},
                                 {"SMTP_USERNAME": "", "SMTP_PASSWORD": "unused"}])
def test_without_a_user_name_the_mailer_does_not_log_in(env):
    mailer = make_mailer(settings(**env))
    assert (mailer.username, mailer.password) == (None, None)


def test_with_a_user_name_it_logs_in_with_the_password():
    mailer = make_mailer(settings(SMTP_USERNAME="ferme", SMTP_PASSWORD="secret"))
    assert (mailer.username, mailer.password) == ("ferme", "secret")

"""Signing in to the web pages on the running system: a one-time link printed by
`ardoise login-link`, used once, opening an HttpOnly session; nothing reached without it."""

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx


def login_link(system, *args: str) -> str:
    """The link the command prints, for the system's web pages."""
    ardoise = Path(sys.executable).parent / "ardoise"
    printed = subprocess.run([str(ardoise), "login-link", *args], env={**os.environ, **system.env},
                             capture_output=True, text=True, timeout=60, check=True).stdout
    link = printed.strip().splitlines()[-1]
    assert link.startswith(f"{system.urls['web']}/connexion/lien?jeton="), printed
    return link


def signed_in(system, link: str) -> httpx.Client:
    """A browser-like client that opened the link (GET shows a button, POST uses it)."""
    client = httpx.Client(base_url=system.urls["web"], timeout=10)
    shown = client.get(link)
    assert shown.status_code == 200 and "Se connecter à Ardoise" in shown.text
    token = re.search(r'name="jeton" value="([^"]+)"', shown.text)[1]
    used = client.post("/connexion/lien", data={"jeton": token})
    assert used.status_code == 303, used.text
    return client


def test_a_link_opens_one_session_once_and_pages_need_it(system, producer_id):
    anonymous = httpx.Client(base_url=system.urls["web"], timeout=10)
    assert anonymous.get("/").headers.get("location") == "/connexion"

    link = login_link(system, "operator", producer_id, "ferme@example.org")
    client = httpx.Client(base_url=system.urls["web"], timeout=10)
    token = re.search(r'name="jeton" value="([^"]+)"', client.get(link).text)[1]
    used = client.post("/connexion/lien", data={"jeton": token})
    assert used.status_code == 303 and used.headers["location"] == "/clients"
    cookie = used.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/").headers["location"] == "/clients"

    again = httpx.Client(base_url=system.urls["web"], timeout=10)
    replayed = again.post("/connexion/lien", data={"jeton": token})
    assert replayed.status_code == 400 and "déjà servi" in replayed.text
    assert "set-cookie" not in replayed.headers

    # signing out needs the session's CSRF token; without it nothing happens
    assert client.post("/deconnexion", data={}).status_code == 403
    assert client.get("/").headers["location"] == "/clients"


def test_security_headers_on_every_page(system):
    answer = httpx.get(f"{system.urls['web']}/connexion", timeout=10)
    assert answer.status_code == 200 and "Recevoir un lien" in answer.text
    assert answer.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"

"""Headers, CSP, CSRF and the production settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)


def test_pages_send_a_strict_content_security_policy(db):
    response = Client().get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_policy_is_the_one_django_csp_builds_and_follows_the_settings(db, settings):
    from csp.utils import build_policy

    # given the policy built once per process (civitas.core.middleware)
    assert Client().get("/")["Content-Security-Policy"] == build_policy()
    # when the settings change
    directives = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'", "https://tiles.example.org"]}
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "DIRECTIVES": directives}
    # then the header follows them
    assert "img-src 'self' https://tiles.example.org" in Client().get("/")["Content-Security-Policy"]


def test_the_policy_keeps_django_csps_rules_for_excluded_paths_and_decorated_views(db, rf):
    from django.http import HttpResponse

    from civitas.core.middleware import ContentSecurityPolicyMiddleware

    assert "Content-Security-Policy" not in Client().get("/admin/login/")
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    updated = HttpResponse()
    updated._csp_update = {"img-src": ["https://tiles.example.org"]}
    assert "https://tiles.example.org" in middleware.process_response(rf.get("/"), updated)["Content-Security-Policy"]
    exempt = HttpResponse()
    exempt._csp_exempt = True
    assert "Content-Security-Policy" not in middleware.process_response(rf.get("/"), exempt)


def test_map_tile_host_is_allowed_for_images():
    from civitas.settings import _origin

    assert _origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert _origin("") == ""


def test_templates_have_no_inline_scripts_or_handlers():
    offenders = []
    for template in ROOT.glob("civitas/*/templates/**/*.html"):
        text = template.read_text()
        if re.search(r"\son[a-z]+\s*=", text) or re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == [], f"inline script or event handler (CSP forbids them): {offenders}"


def test_posts_without_a_csrf_token_are_refused(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.volunteer, backend="civitas.accounts.backends.IdentifierBackend")
    response = client.post(reverse("organizations:join", args=[cast.org_a.pk]))
    assert response.status_code == 403
    assert client.post(reverse("accounts:login"), {"username": "x", "password": "y"}).status_code == 403


def test_api_tokens_do_not_need_csrf(cast, api_token):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/api/v1/organizations/{cast.org_a.pk}/memberships", {"note": ""},
                           content_type="application/json", **api_token(cast.volunteer))
    assert response.status_code == 201


def _production_env() -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "PYTEST", "DJANGO_SETTINGS"))}
    env.update({
        "DEPLOY": "production",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "civitas.example.org",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DJANGO_SETTINGS_MODULE": "civitas.settings",
        "SQLITE_PATH": str(ROOT / "var" / "deploy-check.sqlite3"),
        "CIVITAS_TESTING": "0",
    })
    return env


def test_production_settings_pass_check_deploy_and_turn_on_the_protections():
    # One interpreter for both questions: starting Django costs seconds.
    code = (
        "import django; django.setup(); "
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING'); "
        "from django.conf import settings as s; "
        "print('SETTINGS', s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
        "s.SECURE_SSL_REDIRECT, s.REQUIRE_STAFF_2FA, s.DEBUG)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_production_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    line = next(line for line in result.stdout.splitlines() if line.startswith("SETTINGS"))
    assert line.split()[1:] == ["True", "True", "True", "True", "True", "False"]

"""Access control in a real browser (Debian's Chromium through Playwright) against a dashboard started with a user
file and a cookie key: an unauthenticated session receives nothing internal, neither in the page source nor in any
websocket frame, on every page it can reach (also the internal pages' addresses typed in); a wrong password is
refused in German; the right one opens the internal page and survives a reload through the signed cookie; a
tampered cookie counts as signed out; signing out ends the cookie."""

from __future__ import annotations

import base64
import json
import time
import urllib.request

import jwt
import pytest

from dashboard import access
from tests.conftest import (
    ARTIFACTS, PASSWORDS, browser_sign_in as _sign_in, free_port, settle as _settle, sign_in_keeping_cookie,
    sign_in_opener, start_dashboard, stop_dashboard,
)

pytestmark = pytest.mark.browser

INTERNAL_URL_PATHS = sorted(access.INTERNAL_PAGES)


def _internal_markers(demo_pipeline) -> list[str]:
    """Names of loaded and rejected files (every demo file name starts with "demo_"; the school and KiTa extracts
    and KI annual reports named on their own, and the first and last file of each area), the internal tables, the
    run history's job name and the internal page's title and headings."""
    files = [name for (name,) in demo_pipeline.serving(
        "select min(file_name) from source_files group by family union select max(file_name) from source_files "
        "group by family union select file_name from rejected_files")]
    assert any(name.startswith("demo_ki_jahresbericht") for name in files)
    tables = [name for (name,) in demo_pipeline.serving("select table_name from duckdb_tables()")
              if name not in access.PUBLIC_TABLES]
    return ["demo_", "demo_schulamt", "demo_jugendamt", "demo_ki_jahresbericht", *files, *tables, "transform_job",
            "Daten & Qualität", "Geladene Dateien", "Abgelehnte Dateien", "Pipeline-Läufe"]


class Recorder:
    """Every websocket frame the browser receives, and the HTML of every page it shows."""

    def __init__(self, page):
        self.frames: list[bytes] = []
        self.html: list[str] = []
        page.on("websocket", self._socket)

    def _socket(self, socket):
        socket.on("framereceived", lambda payload: self.frames.append(
            payload if isinstance(payload, bytes) else payload.encode("utf-8")))

    def found(self, markers: list[str]) -> set[str]:
        blobs = self.frames + [html.encode("utf-8") for html in self.html]
        return {marker for marker in markers if any(marker.encode("utf-8") in blob for blob in blobs)}


def _nav_paths(page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNav"] a').all()
    return [link.get_attribute("href") for link in links]


def test_unauthenticated_session_receives_nothing_internal(auth_dashboard, browser, demo_pipeline):
    markers = _internal_markers(demo_pipeline)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page = context.new_page()
    recorder = Recorder(page)
    page.goto(auth_dashboard, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Kreisprofil").wait_for(timeout=60000)
    _settle(page)
    nav = _nav_paths(page)
    assert len(nav) >= 4 and not [href for href in nav if href.rstrip("/").rsplit("/", 1)[-1] in INTERNAL_URL_PATHS]
    sign_in_opener(page).wait_for()
    # every page in the navigation, then the internal pages' addresses typed in
    for href in nav + [f"{auth_dashboard}/{path}" for path in INTERNAL_URL_PATHS]:
        page.goto(href, wait_until="domcontentloaded")
        _settle(page)
        recorder.html.append(page.content())
        with urllib.request.urlopen(href, timeout=10) as response:  # the page source as served
            recorder.html.append(response.read().decode("utf-8"))
    assert len(recorder.frames) > 20  # the pages' deltas did arrive over the websocket
    assert recorder.found(markers) == set()
    assert "Demodaten (synthetisch)" in page.content()  # a typed-in internal address shows the start page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "zugang_oeffentlich.png"), full_page=True)
    context.close()


def test_sign_in_refuses_a_wrong_password_and_opens_the_internal_page_with_the_right_one(
        auth_dashboard, browser, demo_pipeline):
    markers = _internal_markers(demo_pipeline)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page = context.new_page()
    recorder = Recorder(page)
    page.goto(auth_dashboard, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Kreisprofil").wait_for(timeout=60000)
    _settle(page)

    _sign_in(page, "ki-olpe", PASSWORDS["laki"])
    page.get_by_text(access.SIGN_IN_FAILED_DE).wait_for(timeout=10000)
    assert not [c for c in context.cookies() if c["name"] == access.COOKIE_NAME]
    assert "daten" not in " ".join(_nav_paths(page))
    assert recorder.found(markers) == set()

    _sign_in(page, "ki-olpe", PASSWORDS["ki-olpe"])
    page.get_by_text("Angemeldet als").wait_for(timeout=10000)
    page.get_by_text("KI Olpe Test").wait_for()
    page.locator('[data-testid="stSidebarNav"] a', has_text="Daten & Qualität").click()
    page.get_by_role("heading", name="Daten & Qualität").wait_for(timeout=60000)
    _settle(page)
    # what the public test looks for does arrive for a signed-in user (tables travel as Arrow in the frames)
    assert {"demo_", "demo_schulamt", "demo_ki_jahresbericht", "Geladene Dateien", "transform_job"} <= recorder.found(
        markers)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "zugang_ki_daten.png"), full_page=True)

    # the signed cookie keeps the sign-in over a reload and in a new tab
    [cookie] = [c for c in context.cookies() if c["name"] == access.COOKIE_NAME]
    assert cookie["sameSite"] == "Strict" and cookie["expires"] > time.time() + 6 * 86400
    page.reload(wait_until="domcontentloaded")
    page.get_by_role("heading", name="Daten & Qualität").wait_for(timeout=60000)
    second = context.new_page()
    second.goto(f"{auth_dashboard}/daten", wait_until="domcontentloaded")
    second.get_by_role("heading", name="Daten & Qualität").wait_for(timeout=60000)
    second.close()

    # signing out ends the session's sign-in and the cookie
    _settle(page)
    page.get_by_role("button", name="Abmelden").click()
    sign_in_opener(page).wait_for(timeout=30000)
    _settle(page)
    assert not [c for c in context.cookies() if c["name"] == access.COOKIE_NAME]
    page.close()
    page = context.new_page()
    recorder = Recorder(page)
    page.goto(f"{auth_dashboard}/daten", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Kreisprofil").wait_for(timeout=60000)
    _settle(page)
    sign_in_opener(page).wait_for()
    assert recorder.found(markers) == set()
    context.close()


def _signed_cookie(auth_dashboard, browser) -> dict:
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(auth_dashboard, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Kreisprofil").wait_for(timeout=60000)
    _settle(page)
    sign_in_keeping_cookie(page, "ki-olpe")
    [cookie] = [c for c in context.cookies() if c["name"] == access.COOKIE_NAME]
    context.close()
    return cookie


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _tampered_values(value: str) -> dict[str, str]:
    header, payload, signature = value.split(".")
    middle = len(payload) // 2
    one_character = payload[:middle] + ("A" if payload[middle] != "A" else "B") + payload[middle + 1:]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return {
        "one character of the payload": f"{header}.{one_character}.{signature}",
        "one character of the signature": f"{header}.{payload}.{signature[:10]}{'x' if signature[10] != 'x' else 'y'}"
                                          f"{signature[11:]}",
        "the Koordinierungsstelle's name in it": f"{header}.{_b64({**claims, 'sub': 'laki'})}.{signature}",
    }


def test_tampered_cookie_counts_as_signed_out(auth_dashboard, browser, demo_pipeline):
    markers = _internal_markers(demo_pipeline)
    cookie = _signed_cookie(auth_dashboard, browser)
    # the untouched cookie signs a new browser in: the tampered ones below fail for their change alone
    context = browser.new_context(locale="de-DE")
    context.add_cookies([{**cookie}])
    page = context.new_page()
    page.goto(f"{auth_dashboard}/daten", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Daten & Qualität").wait_for(timeout=60000)
    context.close()

    for change, value in _tampered_values(cookie["value"]).items():
        context = browser.new_context(locale="de-DE")
        context.add_cookies([{**cookie, "value": value}])
        page = context.new_page()
        recorder = Recorder(page)
        page.goto(f"{auth_dashboard}/daten", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Kreisprofil").wait_for(timeout=60000)
        _settle(page)
        sign_in_opener(page).wait_for()
        assert not page.get_by_text("Angemeldet als").count(), change
        assert recorder.found(markers) == set(), change
        # and the refused cookie is removed from the browser
        deadline = time.monotonic() + 10
        while [c for c in context.cookies() if c["name"] == access.COOKIE_NAME] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [c for c in context.cookies() if c["name"] == access.COOKIE_NAME], change
        context.close()


def test_without_cookie_key_a_sign_in_holds_for_the_browser_session_only(demo_pipeline, browser, tmp_path):
    """No IM_AUTH_COOKIE_KEY: no cookie is written, the server says so in its log, a reload signs out."""
    user_file = tmp_path / "benutzer.yaml"
    access.write_accounts(user_file, {"laki": access.Account(
        "laki", "Koordinierungsstelle Test", access.ROLE_LAKI,
        password_hash=access.hash_password(PASSWORDS["laki"], rounds=4))})
    env = {key: value for key, value in demo_pipeline.env().items() if key != "IM_AUTH_COOKIE_KEY"}
    env["IM_AUTH_FILE"] = str(user_file)
    log_path = tmp_path / "streamlit.log"
    process, url = start_dashboard(env, log_path)
    try:
        context = browser.new_context(locale="de-DE")
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_role("heading", name="Kreisprofil").wait_for(timeout=60000)
        _settle(page)
        _sign_in(page, "laki", PASSWORDS["laki"])
        page.get_by_text("Angemeldet als").wait_for(timeout=10000)
        time.sleep(1)
        assert not [c for c in context.cookies() if c["name"] == access.COOKIE_NAME]
        page.reload(wait_until="domcontentloaded")
        page.get_by_role("heading", name="Kreisprofil").wait_for(timeout=60000)
        _settle(page)
        sign_in_opener(page).wait_for()
        context.close()
    finally:
        stop_dashboard(process)
    assert "IM_AUTH_COOKIE_KEY is not set" in log_path.read_text()


# --- production route: OpenID Connect through st.login, role from the user file -------------------------------------

class FakeIdentityProvider:
    """A minimal OpenID Connect provider on this machine (discovery, authorize, token, JWKS; RS256 ID tokens) that
    signs in whoever the test names in `identity`, so that st.login runs its real flow without a network."""

    client_id = "integrationsmonitor-test"

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from cryptography.hazmat.primitives.asymmetric import rsa

        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.identity: dict = {}
        self.codes: dict[str, dict] = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, data: dict) -> None:
                body = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                from urllib.parse import parse_qs, urlencode, urlparse

                url = urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._json(provider.metadata())
                elif url.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self._json({"keys": [{**jwk, "kid": "test", "use": "sig", "alg": "RS256"}]})
                elif url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    code = f"code-{len(provider.codes)}"
                    provider.codes[code] = {"nonce": query.get("nonce"), **provider.identity}
                    self.send_response(302)
                    self.send_header("Location", f"{query['redirect_uri']}?"
                                                 + urlencode({"code": code, "state": query["state"]}))
                    self.end_headers()
                else:
                    self.send_error(404)

            def do_POST(self):
                from urllib.parse import parse_qs

                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                claims = provider.codes.pop(form.get("code"), None)
                if self.path != "/token" or claims is None:
                    self.send_error(400)
                    return
                now = int(time.time())
                nonce = claims.pop("nonce")
                id_token = jwt.encode(
                    {"iss": provider.issuer, "aud": provider.client_id, "iat": now, "exp": now + 300,
                     "nonce": nonce, **claims},
                    provider.key, algorithm="RS256", headers={"kid": "test"},
                )
                self._json({"access_token": "test-access", "token_type": "Bearer", "expires_in": 300,
                            "id_token": id_token})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def metadata(self) -> dict:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def oidc_dashboard(demo_pipeline, tmp_path_factory):
    """The dashboard with an [auth] section in its secrets file (st.login against the fake provider) and a user
    file whose KI account carries the e-mail of an OIDC identity and has no password."""
    provider = FakeIdentityProvider()
    folder = tmp_path_factory.mktemp("oidc")
    user_file = folder / "benutzer.yaml"
    access.write_accounts(user_file, {
        "ki-olpe": access.Account("ki-olpe", "KI Olpe OIDC", access.ROLE_KI, ki="KI05966",
                                  email="Team@KI-Olpe.example"),
    })
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{"c" * 48}"\n'
        f'client_id = "{provider.client_id}"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider.issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    env = {**demo_pipeline.env(), "IM_AUTH_FILE": str(user_file)}
    env.pop("IM_AUTH_COOKIE_KEY", None)
    log_path = folder / "streamlit.log"
    process, url = start_dashboard(env, log_path, port=port, extra_args=["--secrets.files", str(secrets_file)])
    yield url, provider, log_path
    stop_dashboard(process)
    provider.close()


def _oidc_sign_in(url: str, browser, identity: dict, provider: FakeIdentityProvider):
    provider.identity = identity
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Kreisprofil").wait_for(timeout=60000)
    _settle(page)
    assert not sign_in_opener(page).count()  # no account has a password: no password form
    page.get_by_role("button", name="Mit Organisationskonto anmelden").click()
    page.get_by_role("heading", name="Kreisprofil").wait_for(timeout=60000)
    _settle(page)
    return context, page


def test_oidc_sign_in_takes_role_and_centre_from_the_user_file(oidc_dashboard, browser, demo_pipeline):
    url, provider, log_path = oidc_dashboard
    context, page = _oidc_sign_in(url, browser, {"sub": "u-1", "email": "team@ki-olpe.example",
                                                  "email_verified": True, "name": "Team Olpe"}, provider)
    page.get_by_text("Angemeldet als").wait_for(timeout=30000)
    page.get_by_text("KI Olpe OIDC").wait_for()
    page.locator('[data-testid="stSidebarNav"] a', has_text="Daten & Qualität").click()
    page.get_by_role("heading", name="Daten & Qualität").wait_for(timeout=60000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "zugang_oidc.png"))
    _settle(page)
    page.get_by_role("button", name="Abmelden").click()
    page.get_by_role("button", name="Mit Organisationskonto anmelden").wait_for(timeout=60000)
    assert "daten" not in " ".join(_nav_paths(page))
    context.close()


@pytest.mark.parametrize("identity, shown", [
    ({"sub": "u-2", "email": "fremd@example.org", "email_verified": True}, "fremd@example.org"),
    ({"sub": "u-3", "email": "team@ki-olpe.example", "email_verified": False}, "nicht bestätigt"),
])
def test_oidc_identity_without_account_stays_public(oidc_dashboard, browser, demo_pipeline, identity, shown):
    url, provider, _ = oidc_dashboard
    markers = _internal_markers(demo_pipeline)
    context, page = _oidc_sign_in(url, browser, identity, provider)
    page.get_by_text("ist für interne Seiten nicht freigeschaltet").wait_for(timeout=30000)
    page.get_by_text(shown).first.wait_for()
    assert "daten" not in " ".join(_nav_paths(page))
    recorder = Recorder(page)
    page.goto(f"{url}/daten", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Kreisprofil").wait_for(timeout=60000)
    _settle(page)
    assert recorder.found(markers) == set()
    context.close()

"""Access control: the user file (hashes, wrong passwords, broken files with German messages), the command line,
the signed sign-in cookie, roles -> pages, anonymous centre labels, and the app through Streamlit's AppTest
(public session without internal pages or data, signed-in KI and Koordinierungsstelle with them, downloads per
role)."""

from __future__ import annotations

import base64
import io
import json
import stat
import time
import zipfile
from types import SimpleNamespace

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access
from tests.conftest import PASSWORDS, PROJECT_ROOT, make_account, sign_in

APP = str(PROJECT_ROOT / "dashboard" / "app.py")
DATA_PAGE = str(PROJECT_ROOT / "dashboard" / "views" / "daten.py")
PUBLIC_PAGES = ("profil", "zeitreihen", "vergleich", "steckbriefe")


# --- the user file --------------------------------------------------------------------------------------------------

def test_user_file_holds_bcrypt_hashes_and_checks_passwords(user_file):
    text = user_file.read_text(encoding="utf-8")
    assert all(password not in text for password in PASSWORDS.values())
    assert stat.S_IMODE(user_file.stat().st_mode) == 0o600
    accounts = access.load_accounts()
    assert accounts["ki-olpe"].role == "ki" and accounts["ki-olpe"].ki == "KI05966"
    assert accounts["laki"].role == "koordinierungsstelle" and accounts["laki"].ki is None
    assert accounts["ki-olpe"].password_hash.startswith("$2b$04$")

    assert access.verify_password(accounts, "ki-olpe", PASSWORDS["ki-olpe"]) == accounts["ki-olpe"]
    # the form's input is taken as typed into a login field: case and surrounding blanks of the name do not matter
    assert access.verify_password(accounts, "  KI-Olpe ", PASSWORDS["ki-olpe"]) == accounts["ki-olpe"]
    assert access.verify_password(accounts, "ki-olpe", PASSWORDS["ki-olpe"] + "x") is None
    assert access.verify_password(accounts, "ki-olpe", PASSWORDS["ki-olpe"].lower()) is None
    assert access.verify_password(accounts, "ki-olpe", PASSWORDS["laki"]) is None  # another user's password
    assert access.verify_password(accounts, "ki-olpe", "") is None
    assert access.verify_password(accounts, "ki-olpe", "x" * 100) is None  # longer than bcrypt's 72 bytes
    assert access.verify_password(accounts, "niemand", PASSWORDS["ki-olpe"]) is None
    assert access.verify_password({}, "ki-olpe", PASSWORDS["ki-olpe"]) is None


def test_unknown_user_costs_a_bcrypt_check_like_a_wrong_password(user_file):
    accounts = access.load_accounts()
    access.verify_password(accounts, "niemand", "irgendwas-123")  # the dummy hash is made once
    started = time.perf_counter()
    access.verify_password(accounts, "niemand", "irgendwas-123")
    unknown = time.perf_counter() - started
    # the dummy hash has the production cost (12): far above the cost-4 hash of the test accounts
    started = time.perf_counter()
    access.verify_password(accounts, "ki-olpe", "irgendwas-123")
    wrong = time.perf_counter() - started
    assert unknown > 0.02 and unknown > wrong


def test_missing_user_file_means_nobody_can_sign_in(tmp_path, monkeypatch):
    monkeypatch.setenv("IM_AUTH_FILE", str(tmp_path / "fehlt.yaml"))
    assert access.load_accounts() == {}
    monkeypatch.delenv("IM_AUTH_FILE")
    assert access.auth_file_path() == PROJECT_ROOT / "sources" / "zugang" / "benutzer.yaml"


HASH = "$2b$04$" + "a" * 53
BROKEN_FILES = {
    "users: [laki\n": "ist kein gültiges YAML (Zeile 2)",
    "benutzer:\n  laki: {}\n": "genau einen Abschnitt »users:«",
    "users:\n  laki: nur-text\n": "Benutzer »laki«: Die Angaben",
    f"users:\n  laki:\n    name: L\n    role: admin\n    password: '{HASH}'\n": "Die Rolle »admin« ist unbekannt",
    f"users:\n  laki:\n    name: L\n    password: '{HASH}'\n": "Das Feld »role« fehlt",
    "users:\n  laki:\n    name: L\n    role: koordinierungsstelle\n    password: geheim123\n": "kein bcrypt-Hash",
    f"users:\n  ki-olpe:\n    name: K\n    role: ki\n    password: '{HASH}'\n": "Code des eigenen Zentrums",
    f"users:\n  ki-olpe:\n    name: K\n    role: ki\n    ki: Olpe\n    password: '{HASH}'\n": "gefunden: 'Olpe'",
    f"users:\n  laki:\n    name: L\n    role: koordinierungsstelle\n    ki: KI05966\n    password: '{HASH}'\n":
        "»ki« gibt es nur für die Rolle ki",
    f"users:\n  laki:\n    name: L\n    role: koordinierungsstelle\n    rolle: ki\n    password: '{HASH}'\n":
        "Unbekanntes Feld »rolle«",
    f"users:\n  Laki:\n    name: L\n    role: koordinierungsstelle\n    password: '{HASH}'\n": "Kleinbuchstaben",
    "users:\n  laki:\n    name: L\n    role: koordinierungsstelle\n": "Es fehlt ein Passwort",
    ("users:\n  a1:\n    name: A\n    role: koordinierungsstelle\n    email: x@nrw.example\n"
     "  b1:\n    name: B\n    role: koordinierungsstelle\n    email: X@nrw.example\n"): "gehört zu »a1« und »b1«",
}


@pytest.mark.parametrize("content, message", BROKEN_FILES.items(), ids=range(len(BROKEN_FILES)))
def test_broken_user_file_is_refused_with_a_german_message(tmp_path, content, message):
    path = tmp_path / "benutzer.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(access.UserFileError) as error:
        access.load_accounts(path)
    assert message in error.value.message_de
    assert str(path) in error.value.message_de


def test_user_file_in_latin1_is_refused(tmp_path):
    path = tmp_path / "benutzer.yaml"
    path.write_bytes("users:\n  laki:\n    name: Öffentlichkeit\n".encode("latin-1"))
    with pytest.raises(access.UserFileError, match="nicht in UTF-8"):
        access.load_accounts(path)


def test_edited_user_file_is_read_anew(user_file):
    assert "laki" in access.load_accounts()
    accounts = access.load_accounts()
    access.write_accounts(user_file, {k: v for k, v in accounts.items() if k != "laki"})
    assert "laki" not in access.load_accounts()


# --- the command line -----------------------------------------------------------------------------------------------

def _cli(monkeypatch, capsys, *args, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = access.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_adds_lists_replaces_and_removes_users(tmp_path, monkeypatch, capsys):
    path = tmp_path / "neu" / "benutzer.yaml"
    code, out, _ = _cli(monkeypatch, capsys, "--file", str(path), "add-user", "KI-Olpe", "--name", "KI Kreis Olpe",
                        "--role", "ki", "--ki", "KI05966", "--password-stdin", stdin="Sehr-geheim-42\n")
    assert code == 0 and "ki-olpe" in out
    accounts = access.load_accounts(path)
    assert access.verify_password(accounts, "ki-olpe", "Sehr-geheim-42").ki == "KI05966"
    assert accounts["ki-olpe"].password_hash.startswith(f"$2b${access.BCRYPT_ROUNDS}$")
    assert "Sehr-geheim-42" not in path.read_text(encoding="utf-8")

    code, _, err = _cli(monkeypatch, capsys, "--file", str(path), "add-user", "ki-olpe", "--name", "x", "--role",
                        "koordinierungsstelle", "--password-stdin", stdin="Anderes-Passwort-1\n")
    assert code == 1 and "gibt es schon" in err
    code, _, _ = _cli(monkeypatch, capsys, "--file", str(path), "add-user", "ki-olpe", "--name", "LaKI", "--role",
                      "koordinierungsstelle", "--password-stdin", "--replace", stdin="Anderes-Passwort-1\n")
    assert code == 0
    accounts = access.load_accounts(path)
    assert accounts["ki-olpe"].role == "koordinierungsstelle"
    assert access.verify_password(accounts, "ki-olpe", "Sehr-geheim-42") is None

    code, _, _ = _cli(monkeypatch, capsys, "--file", str(path), "add-user", "oidc-person", "--name", "P", "--role",
                      "koordinierungsstelle", "--email", "p@laki.example", "--no-password")
    assert code == 0
    code, out, _ = _cli(monkeypatch, capsys, "--file", str(path), "list-users")
    assert "oidc-person: P – Landesweite Koordinierungsstelle (p@laki.example, nur OIDC)" in out
    assert "$2b$" not in out
    code, out, _ = _cli(monkeypatch, capsys, "--file", str(path), "remove-user", "oidc-person")
    assert code == 0 and set(access.load_accounts(path)) == {"ki-olpe"}


@pytest.mark.parametrize("args, stdin, message", [
    (["--role", "ki", "--ki", "KI05967"], "Sehr-geheim-42\n", "kein bekanntes Kommunales Integrationszentrum"),
    (["--role", "koordinierungsstelle", "--ki", "KI05966"], "Sehr-geheim-42\n", "nur für die Rolle ki"),
    (["--role", "koordinierungsstelle"], "kurz\n", "mindestens 10 Zeichen"),
    (["--role", "koordinierungsstelle"], " Sehr-geheim-42\n", "Leerzeichen"),
    (["--role", "koordinierungsstelle"], "ä" * 40 + "\n", "höchstens 72 Bytes"),
    (["--role", "koordinierungsstelle", "--no-password"], "", "E-Mail-Adresse für OIDC"),
])
def test_cli_refuses_bad_input_in_german_and_writes_nothing(tmp_path, monkeypatch, capsys, args, stdin, message):
    path = tmp_path / "benutzer.yaml"
    code, _, err = _cli(monkeypatch, capsys, "--file", str(path), "add-user", "neu", "--name", "Neu", *args,
                        "--password-stdin", stdin=stdin)
    assert code == 1 and err.startswith("Fehler: ") and message in err
    assert not path.exists()


def test_cli_asks_for_the_password_twice(tmp_path, monkeypatch, capsys):
    answers = iter(["Erste-Eingabe-1", "Zweite-Eingabe-2"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    code, _, err = _cli(monkeypatch, capsys, "--file", str(tmp_path / "b.yaml"), "add-user", "neu", "--name", "N",
                        "--role", "koordinierungsstelle")
    assert code == 1 and "stimmen nicht überein" in err


def test_cli_cookie_key_is_long_enough_and_random(monkeypatch, capsys):
    _, first, _ = _cli(monkeypatch, capsys, "cookie-key")
    _, second, _ = _cli(monkeypatch, capsys, "cookie-key")
    assert len(first.strip()) >= access.MIN_COOKIE_KEY_LENGTH and first != second


# --- the sign-in cookie ---------------------------------------------------------------------------------------------

KEY = "k" * 40


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_cookie_token_stands_for_its_account_only(user_file):
    accounts = access.load_accounts()
    token = access.issue_token(accounts["ki-olpe"], KEY)
    assert access.account_from_token(token, accounts, KEY) == accounts["ki-olpe"]

    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    # claim to be the Koordinierungsstelle with the KI's signature
    forged = ".".join([header, _b64({**claims, "sub": "laki"}), signature])
    assert access.account_from_token(forged, accounts, KEY) is None
    # one character changed in the middle of each part
    for part in range(3):
        parts = token.split(".")
        middle = len(parts[part]) // 2
        parts[part] = parts[part][:middle] + ("A" if parts[part][middle] != "A" else "B") + parts[part][middle + 1:]
        assert access.account_from_token(".".join(parts), accounts, KEY) is None
    # unsigned ("alg": "none") and garbage
    unsigned = ".".join([_b64({"alg": "none", "typ": "JWT"}), payload, ""])
    assert access.account_from_token(unsigned, accounts, KEY) is None
    assert access.account_from_token("kein-token", accounts, KEY) is None
    # another key, expired, removed account, changed password
    assert access.account_from_token(token, accounts, "x" * 40) is None
    old = access.issue_token(accounts["ki-olpe"], KEY, now=time.time() - (access.COOKIE_DAYS + 1) * 86400)
    assert access.account_from_token(old, accounts, KEY) is None
    assert access.account_from_token(token, {k: v for k, v in accounts.items() if k != "ki-olpe"}, KEY) is None
    renewed = {**accounts, "ki-olpe": make_account("ki-olpe", "ki", ki="KI05966")}  # new salt: new hash
    assert access.account_from_token(token, renewed, KEY) is None


def test_cookie_key_from_environment_must_be_long(monkeypatch):
    monkeypatch.delenv("IM_AUTH_COOKIE_KEY", raising=False)
    assert access.cookie_key() is None
    monkeypatch.setenv("IM_AUTH_COOKIE_KEY", "zu-kurz")
    assert access.cookie_key() is None
    monkeypatch.setenv("IM_AUTH_COOKIE_KEY", KEY)
    assert access.cookie_key() == KEY


# --- roles -> pages and centres -------------------------------------------------------------------------------------

def test_roles_open_pages_and_tables_as_declared():
    pages = [SimpleNamespace(url_path=p) for p in ("", "zeitreihen", "vergleich", "steckbriefe", "daten",
                                                    "standards", "karte")]
    ki = access.User(role=access.ROLE_KI, username="ki-olpe", ki="KI05966")
    laki = access.User(role=access.ROLE_LAKI, username="laki")
    assert [p.url_path for p in access.allowed_pages(access.PUBLIC, pages)] == [
        "", "zeitreihen", "vergleich", "steckbriefe", "karte"]
    assert access.allowed_pages(ki, pages) == pages and access.allowed_pages(laki, pages) == pages
    assert ki.sees_centre_name("KI05966") and not ki.sees_centre_name("KI05970")
    assert laki.sees_centre_name("KI05970") and not access.PUBLIC.sees_centre_name("KI05966")
    assert "source_files" not in access.PUBLIC_TABLES and "ki_standard_evaluations" not in access.PUBLIC_TABLES


# --- the app through AppTest ----------------------------------------------------------------------------------------

@pytest.fixture
def served(demo_pipeline, user_file, monkeypatch):
    monkeypatch.setenv("IM_DATA_DIR", str(demo_pipeline.data_dir))
    return demo_pipeline


@pytest.fixture
def media(monkeypatch):
    """The files behind the download buttons of AppTest runs (kept in a MemoryMediaFileStorage per run)."""
    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    storages = []

    class RecordingStorage(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            storages.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", RecordingStorage)

    def files(app: AppTest) -> dict[str, bytes]:
        """Every download button with stored bytes (those built on click have none yet) by its label and key."""
        found = {}
        for button in app.get("download_button"):
            url = button.proto.url
            if url and "/" in url:
                try:
                    found[button.proto.id] = storages[-1].get_file(url.rsplit("/", 1)[1]).content
                except Exception:
                    continue
        return found

    return files


def _texts(app: AppTest) -> str:
    """Everything the elements of a run carry, as text: the proto of every node, dataframes as CSV."""
    from streamlit.testing.v1.element_tree import Dataframe

    chunks = []

    def walk(node):
        if isinstance(node, Dataframe):
            chunks.append(node.value.to_csv())
        elif getattr(node, "proto", None) is not None:
            chunks.append(str(node.proto))
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(app._tree)
    return "\n".join(chunks)


def _internal_markers(served) -> list[str]:
    """Things only signed-in users may see: names of loaded and rejected files (every demo file name starts with
    "demo_"; the Kreis-held extracts and KI annual reports named on their own, and the first and last file of each
    area), and the run history's job name."""
    names = [name for (name,) in served.serving(
        "select min(file_name) from source_files group by family union select max(file_name) from source_files "
        "group by family union select file_name from rejected_files")]
    assert any(name.startswith("demo_schulamt") for name in names)
    return ["demo_", "demo_schulamt", "demo_jugendamt", "demo_ki_jahresbericht", "transform_job", *names]


def _page(page: str, app: AppTest | None = None) -> AppTest:
    if app is None:
        app = AppTest.from_file(APP, default_timeout=90).run()
    app.switch_page(f"views/{page}.py").run()
    assert not app.exception, app.exception
    return app


def test_public_session_has_no_internal_page_and_no_internal_data(served, media):
    markers = _internal_markers(served)
    app = AppTest.from_file(APP, default_timeout=90).run()
    assert not app.exception
    assert [b.label for b in app.button if b.label == "Anmelden"]  # the form is there
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("views/daten.py")
    downloads = {}
    for page in PUBLIC_PAGES:
        app = _page(page, app)
        text = _texts(app)
        assert not [m for m in markers if m in text], page
        downloads.update({f"{page}:{k}": v for k, v in media(app).items()})
    assert any(key.startswith("profil:") for key in downloads) and len(downloads) >= 4
    for key, data in downloads.items():
        content = _download_text(data)
        assert not [m for m in markers if m in content], key
        assert "Datei Zähler" not in content and "numerator_source_file" not in content, key


def _download_text(data: bytes) -> str:
    if data[:2] == b"PK":  # Excel: the shared strings and sheets of the workbook
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return data.decode("utf-8-sig", "replace")


def test_internal_page_script_run_directly_shows_nothing_internal(served):
    markers = _internal_markers(served)
    page = AppTest.from_file(DATA_PAGE, default_timeout=60).run()
    assert not page.exception
    assert [info.value for info in page.info] == [access.SIGN_IN_REQUIRED_DE]
    assert not page.dataframe and not page.title and not page.get("download_button")
    assert not [m for m in markers if m in _texts(page)]


def test_serving_refuses_internal_tables_to_the_public_session(served):
    def script():
        import streamlit as st

        from dashboard import access, serving

        for name, read in [("source_files", serving.source_files), ("rejected_files", serving.rejected_files),
                           ("validation_results", serving.validation_results), ("runs", serving.pipeline_runs),
                           ("report", serving.validation_report), ("indicators", serving.indicators),
                           ("raw", lambda: serving.query("select count(*) as n from source_files"))]:
            try:
                read()
                st.write(f"{name}: gelesen")
            except access.AccessDenied as error:
                st.write(f"{name}: verweigert – {error}")

    public = AppTest.from_function(script, default_timeout=60).run()
    said = [m.value for m in public.markdown]
    assert said == [
        "source_files: verweigert – Diese Daten sind nur nach Anmeldung zugänglich.",
        "rejected_files: verweigert – Diese Daten sind nur nach Anmeldung zugänglich.",
        "validation_results: verweigert – Diese Daten sind nur nach Anmeldung zugänglich.",
        "runs: verweigert – Diese Daten sind nur nach Anmeldung zugänglich.",
        "report: verweigert – Diese Daten sind nur nach Anmeldung zugänglich.",
        "indicators: gelesen",
        "raw: verweigert – Diese Daten sind nur nach Anmeldung zugänglich.",
    ]
    signed = AppTest.from_function(script, default_timeout=60)
    signed.session_state["access_user"] = ("ki-olpe", access._session_stamp(access.load_accounts()["ki-olpe"]))
    signed.run()
    assert all(m.value.endswith("gelesen") for m in signed.markdown)


@pytest.mark.parametrize("username, role_label", [
    ("ki-olpe", "Kommunales Integrationszentrum Kreis Olpe"),
    ("laki", "Landesweite Koordinierungsstelle"),
])
def test_signed_in_roles_see_the_data_page(served, media, username, role_label):
    markers = _internal_markers(served)
    app = AppTest.from_file(APP, default_timeout=90).run()
    sign_in(app, username, PASSWORDS[username])
    assert any(role_label in m.value and f"Konto {username}" in m.value for m in app.sidebar.markdown)
    assert not [b for b in app.button if b.label == "Anmelden"]
    _page("daten", app)
    assert app.title[0].value == "Daten & Qualität"
    # the Koordinierungsstelle lists every file, a KI the public tables and its own Kreis's extracts
    [files_count] = served.serving(
        "select count(*) from source_files where ? or not is_kreis_held or owner_ags in ('05966', 'KI05966')",
        [username == "laki"])
    assert len(app.dataframe[0].value) == files_count[0]
    text = _texts(app)
    assert {"demo_", "demo_schulamt", "demo_ki_jahresbericht", "transform_job"} <= {m for m in markers if m in text}
    # downloads: the signed-in user gets the file names the public does not
    _page("profil", app)
    profile_csv = next(data for key, data in media(app).items() if key.endswith("profile_data_csv"))
    assert "Datei Zähler" in _download_text(profile_csv)

    [sign_out] = [b for b in app.button if b.label == "Abmelden"]
    sign_out.click().run()
    assert not app.exception
    with pytest.raises(ValueError):
        app.switch_page("views/daten.py")


def test_wrong_password_and_unknown_user_are_refused_in_german(served):
    app = AppTest.from_file(APP, default_timeout=90).run()
    sign_in(app, "ki-olpe", PASSWORDS["laki"])
    assert [e.value for e in app.sidebar.error] == [access.SIGN_IN_FAILED_DE]
    with pytest.raises(ValueError):
        app.switch_page("views/daten.py")
    sign_in(app, "unbekannt", PASSWORDS["ki-olpe"])
    assert [e.value for e in app.sidebar.error] == [access.SIGN_IN_FAILED_DE]
    sign_in(app, "ki-olpe", PASSWORDS["ki-olpe"])
    assert not app.sidebar.error
    _page("daten", app)


def test_broken_user_file_is_shown_in_german_and_nobody_is_signed_in(served, user_file):
    user_file.write_text("users:\n  laki:\n    name: L\n    role: chef\n", encoding="utf-8")
    app = AppTest.from_file(APP, default_timeout=90).run()
    assert not app.exception
    assert any("Die Rolle »chef« ist unbekannt" in e.value for e in app.sidebar.error)
    assert not [b for b in app.button if b.label == "Anmelden"]
    with pytest.raises(ValueError):
        app.switch_page("views/daten.py")


def test_removed_account_is_signed_out_at_once(served, user_file):
    app = AppTest.from_file(APP, default_timeout=90).run()
    sign_in(app, "laki", PASSWORDS["laki"])
    _page("daten", app)
    accounts = access.load_accounts()
    access.write_accounts(user_file, {k: v for k, v in accounts.items() if k != "laki"})
    app.run()
    assert not app.exception
    assert not app.dataframe and app.title[0].value != "Daten & Qualität"

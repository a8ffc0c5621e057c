"""Who may see what on the dashboard, and who is signed in.

Roles, in one place (`RIGHTS`, `INTERNAL_PAGES`, `PUBLIC_TABLES`):
- oeffentlich (nobody signed in): the indicator pages only. Kreis-held detail there is already protected by the
  suppression rules (`is_suppressed`); no file names, no rejected files, no run history, nothing from KI reports.
- ki (a Kommunales Integrationszentrum): the internal pages too; its own centre by name, every other centre only
  under a number ("KI 1", "KI 2", ...: dashboard/standards_data.py, `pseudonyms`).
- koordinierungsstelle (the Landesweite Koordinierungsstelle): everything, every centre by name.

Three lines of defence: app.py builds the navigation per role (`allowed_pages`: a public session never gets an
internal page, so its script never runs); every internal page script calls `require()` first; and serving.py asks
`check_tables` before it reads a table that is not public.

Sign-in (embedded default): users in a YAML file outside git (`IM_AUTH_FILE`, default
`sources/zugang/benutzer.yaml`) with bcrypt-hashed passwords, maintained with
`python -m dashboard.access add-user ...`. A sign-in holds for the browser session; with `IM_AUTH_COOKIE_KEY` set
it is also kept in a signed cookie (HS256 JWT, 7 days) so that a reload or a new tab stays signed in.
Production: OpenID Connect through Streamlit's `st.login` when `.streamlit/secrets.toml` has an `[auth]` section;
the role then comes from the same user file (the account whose `email` is the verified e-mail of the identity).
"""

from __future__ import annotations

import argparse
import csv
import getpass
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import bcrypt
import jwt
import pandas as pd
import streamlit as st
import yaml

from pipelines.config import DBT_PROJECT_DIR, PROJECT_ROOT

logger = logging.getLogger(__name__)

# --- Roles and what each may see -------------------------------------------------------------------------------

ROLE_PUBLIC = "oeffentlich"
ROLE_KI = "ki"
ROLE_LAKI = "koordinierungsstelle"


@dataclass(frozen=True)
class RoleRights:
    label_de: str
    internal: bool  # internal pages and the non-public tables of the snapshot
    centre_names: str  # "alle": every centre by name; "eigenes": only its own; "keine": none


RIGHTS: dict[str, RoleRights] = {
    ROLE_PUBLIC: RoleRights("Öffentlich (nicht angemeldet)", internal=False, centre_names="keine"),
    ROLE_KI: RoleRights("Kommunales Integrationszentrum", internal=True, centre_names="eigenes"),
    ROLE_LAKI: RoleRights("Landesweite Koordinierungsstelle", internal=True, centre_names="alle"),
}
ACCOUNT_ROLES = (ROLE_KI, ROLE_LAKI)  # a user file holds only these: the public needs no account

# Pages (their url_path in app.py) for internal roles only; every other page is public. An internal page must be
# listed here AND call `require()` first.
INTERNAL_PAGES = frozenset({"daten", "standards"})

# Tables of the serving snapshot that public pages may read. Everything else (source_files, rejected_files,
# validation_results, the KI report and standards tables, and any table added later) needs an internal role, and so
# do the run history and the validation report, which serving.py checks under the names below.
PUBLIC_TABLES = frozenset({
    "indicator_values", "indicator_comparisons", "indicator_group_gaps", "indicators", "districts",
    "kreis_vergleichstypen", "snapshot_info", "base_figures", "source_tables", "series_breaks",
})
RUN_HISTORY = "pipeline_runs"
VALIDATION_REPORT = "validation_report"

# Columns that name loaded files (internal): dropped from what a public user downloads.
FILE_NAME_COLUMNS = frozenset({
    "numerator_source_file", "denominator_source_file", "file_name", "archive_path", "source_file",
    "Datei Zähler", "Datei Nenner", "Datei",
})

SIGN_IN_REQUIRED_DE = (
    "Diese Seite ist nur für angemeldete Nutzerinnen und Nutzer (Kommunale Integrationszentren und die Landesweite "
    "Koordinierungsstelle) sichtbar. Bitte links in der Seitenleiste anmelden."
)


class AccessDenied(PermissionError):
    """The session's user may not read this; the message is German and names no internal detail."""


@dataclass(frozen=True)
class User:
    role: str = ROLE_PUBLIC
    username: str | None = None
    name: str = ""
    ki: str | None = None  # own centre of a KI user, e.g. "KI05966"
    via: str = ""  # "Passwort" or "OIDC"

    @property
    def rights(self) -> RoleRights:
        return RIGHTS[self.role]

    @property
    def signed_in(self) -> bool:
        return self.role != ROLE_PUBLIC

    def may_open(self, url_path: str) -> bool:
        return url_path not in INTERNAL_PAGES or self.rights.internal

    def sees_centre_name(self, ki_ags: str) -> bool:
        if self.rights.centre_names == "alle":
            return True
        return self.rights.centre_names == "eigenes" and ki_ags == self.ki


PUBLIC = User()

# --- The user file -----------------------------------------------------------------------------------------------

DEFAULT_AUTH_FILE = "sources/zugang/benutzer.yaml"
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
KI_PATTERN = re.compile(r"^KI\d{5}(\d{3})?$")
BCRYPT_PATTERN = re.compile(r"^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$")
ACCOUNT_FIELDS = {"name", "role", "ki", "password", "email"}
MIN_PASSWORD_LENGTH = 10
BCRYPT_ROUNDS = 12
FILE_HEADER = (
    "# Zugang zum Integrationsmonitor NRW: Benutzer, Rollen und bcrypt-Hashes der Passwörter.\n"
    "# Diese Datei gehört NICHT ins Repository. Pflege mit:\n"
    "#   python -m dashboard.access add-user <benutzername> --name \"...\" --role ki --ki KI05966\n"
    "# Rollen: ki (mit Feld ki: Code des eigenen Zentrums), koordinierungsstelle.\n"
    "# email (optional): die E-Mail-Adresse, mit der sich die Person per OIDC (st.login) anmeldet.\n"
)


class UserFileError(ValueError):
    """The user file cannot be used; `message_de` says why in German."""

    def __init__(self, message_de: str):
        super().__init__(message_de)
        self.message_de = message_de


class PasswordError(ValueError):
    def __init__(self, message_de: str):
        super().__init__(message_de)
        self.message_de = message_de


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    role: str
    ki: str | None = None
    password_hash: str | None = None
    email: str | None = None

    def user(self, via: str) -> User:
        return User(role=self.role, username=self.username, name=self.name, ki=self.ki, via=via)

    def to_yaml(self) -> dict:
        entry = {"name": self.name, "role": self.role}
        if self.ki:
            entry["ki"] = self.ki
        if self.email:
            entry["email"] = self.email
        if self.password_hash:
            entry["password"] = self.password_hash
        return entry


def auth_file_path() -> Path:
    path = Path(os.environ.get("IM_AUTH_FILE") or DEFAULT_AUTH_FILE).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def load_accounts(path: Path | None = None) -> dict[str, Account]:
    """Every account of the user file by username. A missing file means: nobody can sign in (public only).
    Raises UserFileError with a German message naming the user and field when the file cannot be used."""
    path = path or auth_file_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    return _load_accounts(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_accounts(path: Path, mtime_ns: int, size: int) -> dict[str, Account]:
    # mtime and size are part of the cache key only: an edited file is read anew on the next run.
    where = f"Die Benutzerdatei {path}"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UserFileError(f"{where} ist nicht in UTF-8 gespeichert.") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" (Zeile {mark.line + 1})" if mark is not None else ""
        raise UserFileError(f"{where} ist kein gültiges YAML{line}: {getattr(error, 'problem', error)}.") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) - {"users"}:
        raise UserFileError(f"{where} muss genau einen Abschnitt »users:« enthalten.")
    users = data.get("users") or {}
    if not isinstance(users, dict):
        raise UserFileError(f"{where}: »users:« muss eine Zuordnung Benutzername → Angaben sein.")
    accounts: dict[str, Account] = {}
    emails: dict[str, str] = {}
    for username, entry in users.items():
        account = _account(str(username), entry, where)
        if account.email:
            other = emails.setdefault(account.email.lower(), account.username)
            if other != account.username:
                raise UserFileError(
                    f"{where}: Die E-Mail-Adresse {account.email} gehört zu »{other}« und »{account.username}«."
                )
        accounts[account.username] = account
    return accounts


def _account(username: str, entry, where: str) -> Account:
    who = f"{where}, Benutzer »{username}«"
    if not USERNAME_PATTERN.match(username):
        raise UserFileError(
            f"{who}: Benutzernamen bestehen aus 2 bis 64 Kleinbuchstaben, Ziffern und . _ @ - "
            "und beginnen mit einem Buchstaben oder einer Ziffer."
        )
    if not isinstance(entry, dict):
        raise UserFileError(f"{who}: Die Angaben (name, role, password, ...) fehlen.")
    unknown = sorted(set(map(str, entry)) - ACCOUNT_FIELDS)
    if unknown:
        raise UserFileError(
            f"{who}: Unbekanntes Feld »{unknown[0]}«. Erlaubt sind: {', '.join(sorted(ACCOUNT_FIELDS))}."
        )
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise UserFileError(f"{who}: Das Feld »name« fehlt.")
    role = entry.get("role")
    if role not in ACCOUNT_ROLES:
        raise UserFileError(
            f"{who}: Die Rolle »{role}« ist unbekannt; erlaubt sind {' und '.join(ACCOUNT_ROLES)}."
            if role is not None else f"{who}: Das Feld »role« fehlt."
        )
    ki = entry.get("ki")
    if role == ROLE_KI:
        if not isinstance(ki, str) or not KI_PATTERN.match(ki):
            raise UserFileError(
                f"{who}: Für die Rolle ki gehört der Code des eigenen Zentrums ins Feld »ki«, z. B. KI05966 "
                f"(gefunden: {ki!r})."
            )
    elif ki is not None:
        raise UserFileError(f"{who}: Das Feld »ki« gibt es nur für die Rolle ki.")
    password = entry.get("password")
    if password is not None and (not isinstance(password, str) or not BCRYPT_PATTERN.match(password)):
        raise UserFileError(
            f"{who}: »password« ist kein bcrypt-Hash. Passwörter nie im Klartext eintragen, sondern mit "
            "»python -m dashboard.access add-user« setzen."
        )
    email = entry.get("email")
    if email is not None and (not isinstance(email, str) or "@" not in email):
        raise UserFileError(f"{who}: »email« ist keine E-Mail-Adresse.")
    if password is None and email is None:
        raise UserFileError(
            f"{who}: Es fehlt ein Passwort (»password«) oder eine E-Mail-Adresse für OIDC (»email«)."
        )
    return Account(username=username, name=name.strip(), role=role, ki=ki, password_hash=password, email=email)


def write_accounts(path: Path, accounts: dict[str, Account]) -> None:
    """Write the user file (readable by its owner only), atomically: a half-written file never locks everyone out."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    body = yaml.safe_dump(
        {"users": {name: accounts[name].to_yaml() for name in sorted(accounts)}},
        allow_unicode=True, sort_keys=False, width=200,
    )
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(FILE_HEADER + body)
    os.replace(temporary, path)


def check_new_password(password: str) -> None:
    if password != password.strip():
        raise PasswordError("Das Passwort darf nicht mit Leerzeichen beginnen oder enden.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordError(f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein.")
    if len(password.encode("utf-8")) > 72:
        raise PasswordError("Das Passwort darf höchstens 72 Bytes lang sein (Grenze von bcrypt).")


def hash_password(password: str, rounds: int = BCRYPT_ROUNDS) -> str:
    check_new_password(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


@lru_cache(maxsize=1)
def _dummy_hash() -> bytes:
    return bcrypt.hashpw(secrets.token_bytes(16).hex().encode(), bcrypt.gensalt(BCRYPT_ROUNDS))


def verify_password(accounts: dict[str, Account], username: str, password: str) -> Account | None:
    """The account when username and password match, else None. An unknown user costs as much time as a wrong
    password, so that the answer does not tell which usernames exist."""
    account = accounts.get((username or "").strip().lower())
    encoded = (password or "").encode("utf-8")
    if not encoded or len(encoded) > 72:
        return None
    stored = account.password_hash.encode("ascii") if account and account.password_hash else _dummy_hash()
    try:
        matches = bcrypt.checkpw(encoded, stored)
    except ValueError:
        return None
    return account if matches and account and account.password_hash else None


def known_centres() -> dict[str, str]:
    """The 54 KIs (code -> Träger name) from the seed the pipeline also loads: the CLI checks --ki against it."""
    path = DBT_PROJECT_DIR / "seeds" / "kommunale_integrationszentren.csv"
    with path.open(encoding="utf-8") as handle:
        return {f"KI{row['ki_id']}": row["traeger_name"] for row in csv.DictReader(handle)}


# --- The sign-in cookie --------------------------------------------------------------------------------------------

COOKIE_NAME = "im_anmeldung"
COOKIE_DAYS = 7
MIN_COOKIE_KEY_LENGTH = 32
_logged_once: set[str] = set()


def _log_once(level: int, message: str) -> None:
    if message not in _logged_once:
        _logged_once.add(message)
        logger.log(level, message)


def cookie_key() -> str | None:
    """IM_AUTH_COOKIE_KEY, or None (no cookie: a sign-in holds for the browser session only)."""
    key = os.environ.get("IM_AUTH_COOKIE_KEY", "")
    if not key:
        _log_once(logging.WARNING, "IM_AUTH_COOKIE_KEY is not set: sign-ins are not kept in a cookie and hold for "
                                   "the browser session only (a reload signs out).")
        return None
    if len(key) < MIN_COOKIE_KEY_LENGTH:
        _log_once(logging.ERROR, f"IM_AUTH_COOKIE_KEY is shorter than {MIN_COOKIE_KEY_LENGTH} characters and is "
                                 "ignored: sign-ins hold for the browser session only. "
                                 "Make one with `python -m dashboard.access cookie-key`.")
        return None
    return key


def _password_stamp(account: Account, key: str) -> str:
    # Binds a cookie to the password it was earned with: a new password (or a removed account) ends old cookies.
    return hmac.new(key.encode(), (account.password_hash or "").encode(), hashlib.sha256).hexdigest()[:24]


def issue_token(account: Account, key: str, now: float | None = None) -> str:
    now = time.time() if now is None else now
    payload = {"sub": account.username, "pw": _password_stamp(account, key), "iat": int(now),
               "exp": int(now + COOKIE_DAYS * 86400)}
    return jwt.encode(payload, key, algorithm="HS256")


def account_from_token(token: str, accounts: dict[str, Account], key: str) -> Account | None:
    """The account a cookie stands for, or None for anything else: wrong signature, other algorithm, expired,
    malformed, unknown user, password changed since."""
    try:
        payload = jwt.decode(token, key, algorithms=["HS256"], options={"require": ["exp", "sub", "pw"]})
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    account = accounts.get(str(payload.get("sub")))
    if account is None or not account.password_hash:
        return None
    if not hmac.compare_digest(str(payload.get("pw")), _password_stamp(account, key)):
        return None
    return account


def _cookie_script(value: str | None, max_age: int) -> str:
    # Streamlit cannot set a cookie from Python: a script in the page does it (st.html runs it in the page itself,
    # no component iframe, no extra rerun). SameSite=Strict; Secure whenever the page is served over https.
    cookie = f"{COOKIE_NAME}={value or ''}; Path=/; Max-Age={max_age}; SameSite=Strict"
    return (f"<script>document.cookie = {json.dumps(cookie)} + "
            "(window.location.protocol === 'https:' ? '; Secure' : '');</script>")


# --- The session's user (Streamlit) --------------------------------------------------------------------------------

_SESSION_USER = "access_user"  # (username, password stamp) of a password sign-in in this browser session
_SIGNED_OUT = "access_signed_out"  # after sign-out: this session no longer honours the cookie it started with
_PENDING_COOKIE = "access_pending_cookie"  # cookie script to send in the next run (after the rerun)

SIGN_IN_FAILED_DE = "Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch."


def _accounts_or_problem() -> tuple[dict[str, Account], str | None]:
    try:
        return load_accounts(), None
    except UserFileError as error:
        _log_once(logging.ERROR, f"User file unusable, nobody can sign in: {error.message_de}")
        return {}, error.message_de
    except OSError as error:
        _log_once(logging.ERROR, f"User file unreadable, nobody can sign in: {error}")
        return {}, f"Die Benutzerdatei {auth_file_path()} kann nicht gelesen werden ({error.strerror})."


def _in_script_run() -> bool:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True) is not None


def oidc_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section: then st.login (OpenID Connect) is offered."""
    try:
        return st.secrets.load_if_toml_exists() and "auth" in st.secrets
    except Exception:  # an unreadable secrets file means: not configured (Streamlit logs the reason itself)
        return False


def _oidc_identity() -> tuple[str, bool] | None:
    """(e-mail, verified) of the OIDC identity of this session, if any."""
    if not oidc_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email = st.user.get("email")
        verified = st.user.get("email_verified")
    except Exception:
        return None
    if not email:
        return ("", False)
    return (str(email), verified is not False)


def _oidc_account(accounts: dict[str, Account]) -> Account | None:
    identity = _oidc_identity()
    if not identity or not identity[1]:
        return None
    email = identity[0].lower()
    return next((a for a in accounts.values() if a.email and a.email.lower() == email), None)


def current_user() -> User:
    """The user of this browser session (PUBLIC when nobody is signed in or the user file is unusable). Read anew on
    every call: an account removed from the user file, or given a new password, is signed out at once."""
    accounts, _ = _accounts_or_problem()
    signed = st.session_state.get(_SESSION_USER)
    if signed:
        username, stamp = signed
        account = accounts.get(username)
        if account and account.password_hash and hmac.compare_digest(stamp, _session_stamp(account)):
            return account.user("Passwort")
    account = _oidc_account(accounts)
    if account:
        return account.user("OIDC")
    return PUBLIC


def _session_stamp(account: Account) -> str:
    return hashlib.sha256((account.password_hash or "").encode()).hexdigest()[:24]


def require(*roles: str) -> User:
    """First call of an internal page script: stops the script (st.stop) with a German notice unless the session's
    user has one of `roles` (default: every role with internal rights)."""
    user = current_user()
    allowed = roles or tuple(role for role, rights in RIGHTS.items() if rights.internal)
    if user.role not in allowed:
        st.info(SIGN_IN_REQUIRED_DE, icon=":material/lock:")
        st.stop()
    return user


def allowed_pages(user: User, pages: Sequence) -> list:
    """The st.Page objects of app.py this user may open: internal pages are left out entirely for the public."""
    return [page for page in pages if user.may_open(page.url_path)]


def check_tables(tables: Iterable[str]) -> None:
    """serving.py's guard: reading a non-public table needs an internal role. Code outside a Streamlit script run
    (tests, the pipeline, scripts on the server) is not a browser session and is not restricted."""
    internal = set(tables) - PUBLIC_TABLES
    if internal and _in_script_run() and not current_user().rights.internal:
        raise AccessDenied("Diese Daten sind nur nach Anmeldung zugänglich.")


def download_frame(frame: pd.DataFrame, all_files: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """What a download may contain for this session's user: no file names for the public; for a KI only the names
    of the files it may see (`visible_files` of `all_files()`, the snapshot's source_files), the others emptied."""
    if not _in_script_run():
        return frame
    user = current_user()
    if not user.rights.internal:
        return frame.drop(columns=[c for c in frame.columns if c in FILE_NAME_COLUMNS])
    columns = [c for c in frame.columns if c in FILE_NAME_COLUMNS - {"archive_path"}]
    if not columns or user.rights.centre_names == "alle":
        return frame
    shown = set(visible_files(all_files(), user)["file_name"])
    result = frame.copy()
    for column in columns:
        result[column] = result[column].astype(object).where(result[column].isin(shown), None)
    return result


def visible_files(files: pd.DataFrame, user: User | None = None) -> pd.DataFrame:
    """The rows of a file table of the snapshot (source_files, rejected_files: columns is_kreis_held, owner_ags)
    that this user may see. The Koordinierungsstelle sees every file; a KI the public tables and the files its own
    Kreis holds (owner_ags: its Kreis, e.g. 05966, for Schulamt and Jugendamt extracts; its centre, e.g. KI05966, for
    its annual report), never another Kreis's; a file whose holder is unknown only the Koordinierungsstelle."""
    user = user or current_user()
    if user.rights.centre_names == "alle":
        return files
    if not user.rights.internal or not user.ki:
        return files.iloc[0:0]
    own = {user.ki, user.ki.removeprefix("KI")[:5]}
    return files[~files["is_kreis_held"].astype(bool) | files["owner_ags"].isin(own)]


# --- Sign-in box in the sidebar --------------------------------------------------------------------------------------

def _restore_from_cookie(accounts: dict[str, Account], key: str | None) -> None:
    if st.session_state.get(_SESSION_USER) or st.session_state.get(_SIGNED_OUT):
        return
    token = st.context.cookies.get(COOKIE_NAME)
    if not token:
        return
    account = account_from_token(token, accounts, key) if key else None
    if account is None:
        # tampered, expired, another key, or the account has changed: signed out, and the cookie goes
        logger.info("Sign-in cookie refused (invalid, expired or no longer matching an account)")
        st.session_state[_SIGNED_OUT] = True
        st.session_state[_PENDING_COOKIE] = _cookie_script(None, 0)
        return
    st.session_state[_SESSION_USER] = (account.username, _session_stamp(account))


def _sign_in_form(accounts: dict[str, Account], key: str | None) -> None:
    with st.form("access_sign_in", clear_on_submit=True, border=False):
        username = st.text_input("Benutzername", autocomplete="username")
        password = st.text_input("Passwort", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Anmelden", icon=":material/login:")
    if not submitted:
        return
    account = verify_password(accounts, username, password)
    if account is None:
        logger.info("Sign-in refused for user name %r", (username or "").strip().lower()[:64])
        st.error(SIGN_IN_FAILED_DE)
        return
    logger.info("Signed in: %s (%s)", account.username, account.role)
    st.session_state[_SESSION_USER] = (account.username, _session_stamp(account))
    st.session_state[_SIGNED_OUT] = False
    if key:
        st.session_state[_PENDING_COOKIE] = _cookie_script(issue_token(account, key), COOKIE_DAYS * 86400)
    st.rerun()  # the navigation of the next run has the pages of the role


def _sign_out(user: User) -> None:
    logger.info("Signed out: %s", user.username)
    st.session_state.pop(_SESSION_USER, None)
    st.session_state[_SIGNED_OUT] = True
    st.session_state[_PENDING_COOKIE] = _cookie_script(None, 0)
    if user.via == "OIDC":
        st.logout()
    st.rerun()


def sign_in(centre_name: Callable[[str], str]) -> User:
    """The sign-in box in the sidebar (form, or who is signed in and "Abmelden"); returns this run's user.
    `centre_name`: the name of a KI for its code (app.py takes it from the snapshot)."""
    accounts, problem = _accounts_or_problem()
    key = cookie_key()
    _restore_from_cookie(accounts, key)
    user = current_user()
    with st.sidebar:
        pending = st.session_state.pop(_PENDING_COOKIE, None)
        if pending:
            st.html(pending, unsafe_allow_javascript=True)
        if problem:
            st.error(problem)
        if user.signed_in:
            role = centre_name(user.ki) if user.ki else user.rights.label_de  # a KI: the name of its centre
            st.markdown(f"Angemeldet als **{user.name}**  \n{role}")
            if st.button("Abmelden", key="access_sign_out", icon=":material/logout:"):
                _sign_out(user)
            return user
        identity = _oidc_identity()
        if identity:
            st.warning(
                f"Das Konto {identity[0] or '(ohne E-Mail-Adresse)'} ist für interne Seiten nicht freigeschaltet"
                + ("" if identity[1] else " (E-Mail-Adresse nicht bestätigt)") + "."
            )
            if st.button("Abmelden", key="access_sign_out_oidc", icon=":material/logout:"):
                st.logout()
        elif oidc_configured():
            if st.button("Mit Organisationskonto anmelden", key="access_oidc", icon=":material/login:"):
                st.login()
        if any(account.password_hash for account in accounts.values()):
            # In a popover: its fields are drawn only when it is opened, which saves every public page's first load
            # a tenth of a second of the browser's time (benchmarks/dashboard_speed.py, docs/performance.md).
            with st.popover("Anmelden", icon=":material/login:"):
                _sign_in_form(accounts, key)
        st.caption("Ohne Anmeldung sind die öffentlichen Indikatorseiten sichtbar.")
    return user


# --- Command line: python -m dashboard.access ... ------------------------------------------------------------------

def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Passwort: ")
    if getpass.getpass("Passwort wiederholen: ") != first:
        raise PasswordError("Die beiden Eingaben stimmen nicht überein.")
    return first


def _cli_add_user(args, path: Path) -> str:
    accounts = load_accounts(path)
    username = args.username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise UserFileError(
            "Benutzernamen bestehen aus 2 bis 64 Kleinbuchstaben, Ziffern und . _ @ - und beginnen mit einem "
            "Buchstaben oder einer Ziffer."
        )
    if username in accounts and not args.replace:
        raise UserFileError(f"Den Benutzer »{username}« gibt es schon (mit --replace ersetzen).")
    if args.role == ROLE_KI:
        centres = known_centres()
        if args.ki not in centres:
            raise UserFileError(
                f"»{args.ki}« ist kein bekanntes Kommunales Integrationszentrum; Codes wie KI05966 (Kreis Olpe) "
                "oder KI05334002 (Stadt Aachen)."
            )
    elif args.ki:
        raise UserFileError("--ki gibt es nur für die Rolle ki.")
    if args.no_password and not args.email:
        raise UserFileError("Ohne Passwort braucht der Benutzer eine E-Mail-Adresse für OIDC (--email).")
    password_hash = None if args.no_password else hash_password(_read_password(args.password_stdin))
    account = Account(username=username, name=args.name, role=args.role, ki=args.ki if args.role == ROLE_KI else None,
                      password_hash=password_hash, email=args.email)
    accounts = {**accounts, username: account}
    _account(username, account.to_yaml(), "Die neue Angabe")  # the same rules as reading the file
    write_accounts(path, accounts)
    return f"Benutzer »{username}« ({RIGHTS[args.role].label_de}) in {path} gespeichert."


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.access",
                                     description="Benutzer und Rollen des Integrationsmonitors verwalten.")
    parser.add_argument("--file", type=Path,
                        help=f"Benutzerdatei (Standard: IM_AUTH_FILE oder {DEFAULT_AUTH_FILE})")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add-user", help="Benutzer anlegen (fragt nach dem Passwort)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="angezeigter Name, z. B. »KI Kreis Olpe«")
    add.add_argument("--role", required=True, choices=ACCOUNT_ROLES)
    add.add_argument("--ki", help="Code des eigenen Zentrums (Rolle ki), z. B. KI05966")
    add.add_argument("--email", help="E-Mail-Adresse der Anmeldung per OIDC (st.login)")
    add.add_argument("--password-stdin", action="store_true", help="Passwort aus der ersten Zeile der Standardeingabe")
    add.add_argument("--no-password", action="store_true", help="nur Anmeldung per OIDC")
    add.add_argument("--replace", action="store_true", help="einen vorhandenen Benutzer ersetzen")
    remove = commands.add_parser("remove-user", help="Benutzer entfernen")
    remove.add_argument("username")
    commands.add_parser("list-users", help="Benutzer und Rollen auflisten (ohne Hashes)")
    commands.add_parser("cookie-key", help="einen zufälligen Schlüssel für IM_AUTH_COOKIE_KEY ausgeben")
    args = parser.parse_args(argv)
    path = args.file if args.file else auth_file_path()
    if args.file:
        path = path if path.is_absolute() else Path.cwd() / path
    try:
        if args.command == "add-user":
            print(_cli_add_user(args, path))
        elif args.command == "remove-user":
            accounts = load_accounts(path)
            username = args.username.strip().lower()
            if username not in accounts:
                raise UserFileError(f"Den Benutzer »{username}« gibt es nicht in {path}.")
            write_accounts(path, {k: v for k, v in accounts.items() if k != username})
            print(f"Benutzer »{username}« entfernt.")
        elif args.command == "list-users":
            accounts = load_accounts(path)
            if not accounts:
                print(f"Keine Benutzer in {path}.")
            for account in accounts.values():
                extras = ", ".join(filter(None, [account.ki, account.email,
                                                 "Passwort" if account.password_hash else "nur OIDC"]))
                print(f"{account.username}: {account.name} – {RIGHTS[account.role].label_de} ({extras})")
        elif args.command == "cookie-key":
            print(secrets.token_urlsafe(48))
    except (UserFileError, PasswordError) as error:
        print(f"Fehler: {error.message_de}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

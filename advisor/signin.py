"""Who is at the screen: local mode, the built-in login, OIDC (st.login) or a trusted proxy header, per the access file.

Identity is all this module decides. What the person may see comes from their entry in the access file, read
again at every run (an edited file takes effect at the next click), never from a widget, the URL or session
state; advisor/db.py applies it to every query through the dataset handle (Dataset.scoped).
"""

from __future__ import annotations

import threading
import time

import streamlit as st

from advisor import access
from advisor.access import Access, AccessError, User
from advisor.i18n import md_escape, t

SIGNED_IN = "_signed_in"  # session state: the login name the built-in form accepted (identity only, never scope)
LOGIN_FAILED = "_login_failed"  # session state: the message key of the last failed attempt, shown once

# The built-in login slows guessing down: after MAX_FAILURES wrong passwords for one name within LOCK_SECONDS,
# that name is refused for LOCK_SECONDS, whichever session tries (one server process).
MAX_FAILURES = 5
LOCK_SECONDS = 300.0
_failures: dict[str, list[float]] = {}
_failures_lock = threading.Lock()


_loaded: dict[tuple[str, int, int], Access] = {}


def load_access(given: str | None = None) -> Access:
    """The access file of this server (`given`: `--access FILE`, else ADVISOR_ACCESS), parsed again when it
    changes."""
    path = access.access_path(given)
    if path is None:
        return access.LOCAL
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (str(path), -1, -1)
    if key not in _loaded:
        parsed = access.load(path)
        _loaded.clear()
        _loaded[key] = parsed
    return _loaded[key]


def current_user(lang: str, given: str | None = None) -> User | None:
    """The signed-in user, or None in local mode. Draws the sign-in screen and stops the page while nobody is
    signed in; stops with a message when the access file is broken or does not name the person."""
    try:
        settings = load_access(given)
    except AccessError as exc:  # fail closed: a broken file never opens the data to everyone
        st.error(t("access.bad_file", lang, detail=md_escape(str(exc))))
        st.stop()
    if settings.mode == "local":
        return None
    if settings.mode == "password":
        login = _password_identity(settings, lang)
    elif settings.mode == "oidc":
        login = _oidc_identity(settings, lang)
    else:
        login = _proxy_identity(settings, lang)
    user = settings.user(login)
    if user is None:
        st.error(t("access.unknown_user", lang, login=md_escape(str(login)[:200])))
        _sign_out_button(settings, lang)
        st.stop()
    return user


def _locked(login: str, now: float) -> bool:
    with _failures_lock:
        recent = [s for s in _failures.get(login.casefold(), []) if now - s < LOCK_SECONDS]
        _failures[login.casefold()] = recent
        return len(recent) >= MAX_FAILURES


def _failed(login: str, now: float) -> None:
    with _failures_lock:
        _failures.setdefault(login.casefold(), []).append(now)


def _password_identity(settings: Access, lang: str) -> str:
    held = st.session_state.get(SIGNED_IN)
    if held and settings.user(held) is not None:
        return held
    st.session_state.pop(SIGNED_IN, None)  # removed from the file meanwhile: sign in again
    st.title(t("app.title", lang))
    st.subheader(t("login.title", lang))
    with st.form("login", enter_to_submit=True):
        st.text_input(t("login.user", lang), key="login_user", autocomplete="username")
        st.text_input(t("login.password", lang), type="password", key="login_password",
                      autocomplete="current-password")
        # Checked in the callback, before the script runs again: a rerun of the page cannot lose the click.
        st.form_submit_button(t("login.submit", lang), type="primary", on_click=_try_password, args=(settings,))
    failed = st.session_state.pop(LOGIN_FAILED, None)
    if failed:
        st.error(t(failed, lang, minutes=int(LOCK_SECONDS // 60)))
    st.caption(t("login.help", lang))
    st.stop()


def _try_password(settings: Access) -> None:
    """The sign-in form's callback: accept the user, or count a failure; the password leaves session state."""
    ss = st.session_state
    name, password = str(ss.get("login_user") or "").strip(), str(ss.get("login_password") or "")
    ss["login_password"] = ""
    now = time.monotonic()
    if _locked(name, now):
        ss[LOGIN_FAILED] = "login.locked"
        return
    user = access.check_password(settings, name, password)
    if user is None:
        _failed(name, now)
        ss[LOGIN_FAILED] = "login.failed"
        return
    ss[SIGNED_IN] = user.login


def _oidc_identity(settings: Access, lang: str) -> str:
    if not st.user.get("is_logged_in", False):  # the key exists only once [auth] is configured
        st.title(t("app.title", lang))
        st.subheader(t("login.title", lang))
        problem = _oidc_problem()
        if problem:
            st.error(t("access.oidc_unconfigured", lang, detail=md_escape(problem)))
        else:  # in a callback, so a rerun of the page cannot lose the click
            st.button(t("login.oidc", lang), type="primary", icon=":material/login:", on_click=st.login)
        st.stop()
    value = st.user.get(settings.claim)
    return str(value) if value else ""


def _oidc_problem() -> str:
    """Why st.login cannot work here, or "" when .streamlit/secrets.toml has an [auth] section."""
    try:
        if "auth" in st.secrets:
            return ""
    except Exception as exc:  # no secrets file at all: Streamlit raises rather than answer False
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return "no [auth] section in .streamlit/secrets.toml"


def _proxy_identity(settings: Access, lang: str) -> str:
    value = st.context.headers.get(settings.header)
    if not value:
        st.error(t("access.no_proxy_user", lang, header=md_escape(settings.header)))
        st.stop()
    return str(value).strip()


def _sign_out_button(settings: Access, lang: str) -> None:
    """Sign out: forget the built-in login, or end the OIDC session; a proxy signs out at the proxy."""
    if settings.mode == "password":  # in a callback, so a rerun of the page cannot lose the click
        st.button(t("login.sign_out", lang), key="sign_out", icon=":material/logout:", type="tertiary",
                  on_click=lambda: st.session_state.pop(SIGNED_IN, None))
    elif settings.mode == "oidc" and st.user.get("is_logged_in", False):
        if st.button(t("login.sign_out", lang), key="sign_out", icon=":material/logout:", type="tertiary"):
            st.logout()


def identity_box(user: User | None, lang: str, given: str | None = None) -> None:
    """The sidebar's line on who is signed in (or that this is local mode) and the sign-out button."""
    if user is None:
        st.caption(t("access.local_mode", lang), help=t("access.local_mode_help", lang))
        return
    role = t(f"role.{user.role}", lang)
    st.caption(t("access.signed_in", lang, name=md_escape(user.shown_name), role=role))
    _sign_out_button(load_access(given), lang)


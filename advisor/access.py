"""Who may see what: the viewer scope every query runs under, and the access file that is its only source.

The access file (TOML, named by ADVISOR_ACCESS or `--access FILE`) says how people sign in and maps each user to
a role and what the role covers. Without one the app runs in local mode: one person on their own machine, who
sees everything, and every page says so.

    [login]
    mode = "password"                # password (built-in) | oidc (st.login) | proxy (a trusted header) | local
    # header = "X-Forwarded-User"    # proxy mode: the header the reverse proxy sets to the signed-in user

    [users."li.jiajia"]
    role = "influencer"              # influencer | mcn | merchant | analyst | admin
    influencers = [1001]
    password = "$argon2id$v=19$..."  # password mode: made by `python -m advisor hash-password`

Roles: an influencer and an MCN see their `influencers`; a merchant sees its `merchant` (one id or a list): its
products and the influencers whose posts moved them, and audiences only as its match and overlap figures unless
`profiles = true`; an analyst sees `influencers = "all"` or a list; an admin sees everything. Nothing here runs
SQL: advisor/db.py applies the Viewer to every query.
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ACCESS_ENV = "ADVISOR_ACCESS"
ROLES = ("influencer", "mcn", "merchant", "analyst", "admin")
MODES = ("local", "password", "oidc", "proxy")
DEFAULT_HEADER = "X-Forwarded-User"
# The keys a user's table may have; any other is a typo the operator must hear about (a misspelt `influencers`
# would otherwise grant nothing, or everything).
USER_KEYS = {"role", "influencers", "merchant", "profiles", "password", "name"}
LOGIN_KEYS = {"mode", "header", "claim"}
CLAIMS = ("email", "sub", "preferred_username")


# ---- the viewer scope ------------------------------------------------------------------------------

def _meet(a: tuple[int, ...] | None, b: tuple[int, ...] | None) -> tuple[int, ...] | None:
    """The ids both allow (None allows every id)."""
    if a is None:
        return b
    if b is None:
        return a
    return tuple(sorted(set(a) & set(b)))


@dataclass(frozen=True)
class Viewer:
    """What one viewer may see: these influencers and these merchants' products (None: every one), and whether
    full audience profiles (the Audience screen's queries). An empty tuple sees nothing."""

    influencers: tuple[int, ...] | None = None
    merchants: tuple[int, ...] | None = None
    profiles: bool = True

    def params(self) -> dict[str, object]:
        """The SQL parameters of the scope ($viewer_influencers, $viewer_merchants; null = everything)."""
        return {
            "viewer_influencers": None if self.influencers is None else list(self.influencers),
            "viewer_merchants": None if self.merchants is None else list(self.merchants),
        }

    def narrow(self, other: Viewer) -> Viewer:
        """What both scopes allow: a caller can only narrow a scope, never widen it."""
        return Viewer(_meet(self.influencers, other.influencers), _meet(self.merchants, other.merchants),
                      self.profiles and other.profiles)

    @property
    def everything(self) -> bool:
        return self.influencers is None and self.merchants is None and self.profiles


EVERYONE = Viewer()


# ---- the access file -------------------------------------------------------------------------------

class AccessError(Exception):
    """The access file cannot be used; the message names the file, the user and the key."""


@dataclass(frozen=True)
class User:
    """One person of the access file."""

    login: str
    role: str
    influencers: tuple[int, ...] | None = None  # None: all (analyst "all", admin)
    merchants: tuple[int, ...] | None = None
    profiles: bool = True
    password: str | None = field(default=None, repr=False)  # an Argon2 hash, never the password itself
    name: str = ""

    @property
    def viewer(self) -> Viewer:
        if self.role == "merchant":
            return Viewer(influencers=None, merchants=self.merchants, profiles=self.profiles)
        return Viewer(influencers=self.influencers, merchants=None, profiles=True)

    @property
    def shown_name(self) -> str:
        return self.name or self.login


@dataclass(frozen=True)
class Access:
    """A parsed access file (or local mode without one)."""

    mode: str = "local"
    header: str = DEFAULT_HEADER
    claim: str = "email"
    users: dict[str, User] = field(default_factory=dict)
    path: Path | None = None

    def user(self, login: str | None) -> User | None:
        """The user of a signed-in identity; None for an identity the file does not name. Matched exactly, then
        case-insensitively (e-mail addresses and proxy headers vary in case)."""
        if not login:
            return None
        found = self.users.get(login)
        if found is not None:
            return found
        folded = [u for key, u in self.users.items() if key.casefold() == login.casefold()]
        return folded[0] if len(folded) == 1 else None


LOCAL = Access()


def access_path(given: str | os.PathLike[str] | None = None) -> Path | None:
    """The access file named on the command line, else by ADVISOR_ACCESS; None: local mode."""
    chosen = given or os.environ.get(ACCESS_ENV) or None
    return Path(chosen).expanduser() if chosen else None


def _ids(value: object, where: str, key: str) -> tuple[int, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, int) and not isinstance(i, bool) for i in items):
        raise AccessError(f"{where}: `{key}` must be an id or a list of ids (whole numbers), got {value!r}")
    return tuple(sorted(set(items)))


def _user(login: str, table: object, where: str, mode: str) -> User:
    where = f"{where}, user {login!r}"
    if not isinstance(table, dict):
        raise AccessError(f"{where}: must be a table of keys (role = ..., influencers = [...])")
    unknown = sorted(set(table) - USER_KEYS)
    if unknown:
        raise AccessError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(USER_KEYS))}")
    role = table.get("role")
    if role not in ROLES:
        raise AccessError(f"{where}: `role` must be one of {', '.join(ROLES)}, got {role!r}")
    influencers: tuple[int, ...] | None = None
    merchants: tuple[int, ...] | None = None
    if role in ("influencer", "mcn"):
        if "influencers" not in table:
            raise AccessError(f"{where}: role {role} needs `influencers` (its influencer ids)")
        influencers = _ids(table["influencers"], where, "influencers")
    elif role == "analyst":
        value = table.get("influencers")
        if value is None:
            raise AccessError(f"{where}: role analyst needs `influencers` = \"all\" or a list of influencer ids")
        influencers = None if value == "all" else _ids(value, where, "influencers")
    elif role == "merchant":
        if "merchant" not in table:
            raise AccessError(f"{where}: role merchant needs `merchant` (its merchant id)")
        merchants = _ids(table["merchant"], where, "merchant")
    for key, roles in (("influencers", ("influencer", "mcn", "analyst")), ("merchant", ("merchant",)),
                       ("profiles", ("merchant",))):
        if key in table and role not in roles:
            raise AccessError(f"{where}: `{key}` does not apply to role {role}")
    profiles = table.get("profiles", role != "merchant")
    if not isinstance(profiles, bool):
        raise AccessError(f"{where}: `profiles` must be true or false, got {profiles!r}")
    password = table.get("password")
    if password is not None and not (isinstance(password, str) and password.startswith("$argon2")):
        raise AccessError(f"{where}: `password` must be an Argon2 hash made by `python -m advisor hash-password`, "
                          "never the password itself")
    if mode == "password" and password is None:
        raise AccessError(f"{where}: login mode password needs a `password` hash for every user")
    name = table.get("name", "")
    if not isinstance(name, str):
        raise AccessError(f"{where}: `name` must be text")
    return User(login, role, influencers, merchants, profiles, password, name)


def load(path: str | os.PathLike[str] | None = None) -> Access:
    """The access file at `path` (else ADVISOR_ACCESS), checked whole; local mode when neither names one.
    Raises AccessError naming the file, the user and the key: a broken file never falls back to local mode."""
    file = access_path(path)
    if file is None:
        return LOCAL
    where = str(file)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AccessError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AccessError(f"{where}: is not valid TOML ({exc})") from None
    unknown = sorted(set(data) - {"login", "users"})
    if unknown:
        raise AccessError(f"{where}: unknown section(s) {', '.join(unknown)}; known: login, users")
    login = data.get("login", {})
    if not isinstance(login, dict) or set(login) - LOGIN_KEYS:
        raise AccessError(f"{where}: [login] may hold only {', '.join(sorted(LOGIN_KEYS))}")
    mode = login.get("mode", "password")
    if mode not in MODES:
        raise AccessError(f"{where}: [login] mode must be one of {', '.join(MODES)}, got {mode!r}")
    header = login.get("header", DEFAULT_HEADER)
    if not isinstance(header, str) or not header.strip():
        raise AccessError(f"{where}: [login] header must name an HTTP header")
    claim = login.get("claim", "email")
    if claim not in CLAIMS:
        raise AccessError(f"{where}: [login] claim must be one of {', '.join(CLAIMS)}, got {claim!r}")
    users = data.get("users", {})
    if not isinstance(users, dict):
        raise AccessError(f"{where}: [users] must hold one table per user")
    if mode != "local" and not users:
        raise AccessError(f"{where}: no users: add a [users.NAME] table for each person")
    checked = {str(name): _user(str(name), table, where, mode) for name, table in users.items()}
    return Access(mode=mode, header=header.strip(), claim=claim, users=checked, path=file)


# ---- passwords (Argon2id through argon2-cffi, with its recommended parameters) ------------------------------------

def hash_password(password: str) -> str:
    """An Argon2id hash of `password` for the access file."""
    from argon2 import PasswordHasher

    if not password:
        raise ValueError("empty password")
    return PasswordHasher().hash(password)


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the name is unknown, so a wrong name takes as long as a wrong password."""
    return hash_password(os.urandom(16).hex())


def check_password(access: Access, login: str, password: str) -> User | None:
    """The user when `password` matches the hash of `login`; None otherwise (whichever was wrong)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import Argon2Error, InvalidHashError

    user = access.user(login.strip())
    stored = user.password if user is not None and user.password else _dummy_hash()
    try:
        ok = PasswordHasher().verify(stored, password)
    except (Argon2Error, InvalidHashError):
        ok = False
    return user if ok and user is not None and user.password else None

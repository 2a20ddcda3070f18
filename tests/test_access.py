"""Access control (issue 11): the access file, passwords, the scope bound to the dataset handle, the command line's
--as, and the app signed in as different people (AppTest). The query-by-query property tests are in
tests/test_access_queries.py; the real-browser sign-in is in tests/test_browser_access.py."""

from __future__ import annotations

import dataclasses
import io
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from advisor import access, dataset, db, metrics, signin
from advisor.access import EVERYONE, AccessError, Viewer
from advisor.cli import main
from advisor.metrics import Filters

from .app_kit import lang_params, texts

PAGES = ("overview", "audience", "posts", "campaigns", "benchmarks", "merchants")


# ---- a team on the tiny demo ----------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Team:
    data: Path
    file: Path
    jia: int  # the influencer's own id
    mcn: tuple[int, int]
    other: int  # an influencer nobody but the analyst and the admin sees
    merchant: int
    names: dict[int, str]


def password(login: str) -> str:
    return f"pw-{login}-秘密"


def write_access(path: Path, mode: str, users: dict[str, dict[str, object]], **login: str) -> Path:
    """An access file as an operator writes it (TOML by hand), passwords hashed."""
    lines = ["[login]", f'mode = "{mode}"', *(f'{k} = "{v}"' for k, v in login.items()), ""]
    for name, table in users.items():
        lines.append(f'[users."{name}"]')
        for key, value in table.items():
            if isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, str):
                lines.append(f'{key} = "{value}"')
            else:
                lines.append(f"{key} = {list(value) if isinstance(value, tuple) else value}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def team(tiny_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Team:
    ds = dataset.open_dataset(tiny_demo)
    f = Filters(metrics.span_period(ds))
    posts = metrics.post_conversion(ds, f)
    by_posts = posts.groupby("influencer_id").size().sort_values(ascending=False)
    ids = [int(i) for i in by_posts.index]
    merchant = int(metrics.merchant_list(ds, f)["merchant_id"].iloc[0])
    roster = metrics.influencer_list(ds, f)
    names = {int(i): str(n) for i, n in zip(roster["influencer_id"], roster["name"], strict=True)}
    hashes = {login: access.hash_password(password(login)) for login in ("jia", "mcn", "shop", "ana", "boss")}
    users = {
        "jia": {"role": "influencer", "influencers": [ids[0]], "password": hashes["jia"], "name": "贾 <b>Jia</b>"},
        "mcn": {"role": "mcn", "influencers": [ids[0], ids[1]], "password": hashes["mcn"]},
        "shop": {"role": "merchant", "merchant": merchant, "password": hashes["shop"]},
        "ana": {"role": "analyst", "influencers": "all", "password": hashes["ana"]},
        "boss": {"role": "admin", "password": hashes["boss"]},
    }
    file = write_access(tmp_path_factory.mktemp("team") / "access.toml", "password", users)
    return Team(tiny_demo, file, ids[0], (ids[0], ids[1]), ids[-1], merchant, names)


# ---- the access file ------------------------------------------------------------------------------------------------

def test_roles_map_to_scopes(team: Team) -> None:
    settings = access.load(team.file)
    assert settings.mode == "password" and settings.path == team.file
    assert settings.user("jia").viewer == Viewer(influencers=(team.jia,))
    assert settings.user("mcn").viewer == Viewer(influencers=tuple(sorted(team.mcn)))
    assert settings.user("shop").viewer == Viewer(merchants=(team.merchant,), profiles=False)
    assert settings.user("ana").viewer == EVERYONE and settings.user("boss").viewer == EVERYONE
    assert settings.user("JIA").login == "jia"  # e-mail addresses and proxy headers vary in case
    assert settings.user("nobody") is None and settings.user("") is None


def test_without_an_access_file_it_is_local_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(access.ACCESS_ENV, raising=False)
    assert access.load() is access.LOCAL and access.LOCAL.mode == "local"


@pytest.mark.parametrize(("text", "says"), [
    ('[users.a]\nrole = "boss"\npassword = "$argon2id$x"', "`role` must be one of"),
    ('[users.a]\nrole = "influencer"\npassword = "$argon2id$x"', "needs `influencers`"),
    ('[users.a]\nrole = "influencer"\ninfluencer = [1]\npassword = "$argon2id$x"', "unknown key(s) influencer"),
    ('[users.a]\nrole = "influencer"\ninfluencers = []\npassword = "$argon2id$x"', "must be an id or a list"),
    ('[users.a]\nrole = "influencer"\ninfluencers = ["1"]\npassword = "$argon2id$x"', "must be an id or a list"),
    ('[users.a]\nrole = "influencer"\ninfluencers = [1]\npassword = "hunter2"', "never the password itself"),
    ('[users.a]\nrole = "influencer"\ninfluencers = [1]', "needs a `password` hash"),
    ('[users.a]\nrole = "merchant"\npassword = "$argon2id$x"', "needs `merchant`"),
    ('[users.a]\nrole = "influencer"\ninfluencers = [1]\nmerchant = 3\npassword = "$argon2id$x"',
     "`merchant` does not apply to role influencer"),
    ('[users.a]\nrole = "analyst"\npassword = "$argon2id$x"', 'needs `influencers` = "all"'),
    ('[users.a]\nrole = "merchant"\nmerchant = 3\nprofiles = "yes"\npassword = "$argon2id$x"',
     "`profiles` must be true or false"),
    ('[login]\nmode = "ldap"\n[users.a]\nrole = "admin"', "mode must be one of"),
    ('[login]\nmode = "oidc"\nclaim = "phone"\n[users.a]\nrole = "admin"', "claim must be one of"),
    ('[login]\nmode = "proxy"', "no users"),
    ('[groups.a]\nrole = "admin"', "unknown section(s) groups"),
    ("[users.a\nrole = 1", "is not valid TOML"),
])
def test_a_broken_access_file_is_named_with_the_user_and_key(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "access.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AccessError) as caught:
        access.load(path)
    message = str(caught.value)
    assert str(path) in message and says in message, message
    if "[users.a]" in text and "login" not in text and "TOML" not in says:
        assert "user 'a'" in message


def test_an_unreadable_access_file(tmp_path: Path) -> None:
    with pytest.raises(AccessError, match="cannot be read"):
        access.load(tmp_path / "missing.toml")


def test_passwords_are_argon2_hashes_checked_in_constant_shape(team: Team) -> None:
    settings = access.load(team.file)
    stored = settings.user("jia").password
    assert stored.startswith("$argon2id$") and password("jia") not in stored
    assert access.check_password(settings, "jia", password("jia")).login == "jia"
    assert access.check_password(settings, " jia ", password("jia")).login == "jia"
    assert access.check_password(settings, "jia", password("mcn")) is None
    assert access.check_password(settings, "jia", "") is None
    assert access.check_password(settings, "nobody", password("jia")) is None
    assert access.hash_password("x") != access.hash_password("x")  # salted


# ---- the scope ------------------------------------------------------------------------------------------------------

ids = st.one_of(st.none(), st.lists(st.integers(1, 6), max_size=4).map(lambda v: tuple(sorted(set(v)))))
viewers = st.builds(Viewer, influencers=ids, merchants=ids, profiles=st.booleans())


def _allows(v: Viewer, influencer: int, merchant: int) -> bool:
    return ((v.influencers is None or influencer in v.influencers)
            and (v.merchants is None or merchant in v.merchants))


@given(a=viewers, b=viewers, influencer=st.integers(1, 6), merchant=st.integers(1, 6))
@settings(max_examples=300, deadline=None)
def test_narrowing_never_widens(a: Viewer, b: Viewer, influencer: int, merchant: int) -> None:
    both = a.narrow(b)
    assert both == b.narrow(a) and both.narrow(both) == both
    allowed = _allows(a, influencer, merchant) and _allows(b, influencer, merchant)
    assert _allows(both, influencer, merchant) == allowed
    assert both.profiles == (a.profiles and b.profiles)
    assert a.narrow(EVERYONE) == a


def test_a_scoped_handle_cannot_be_widened(team: Team) -> None:
    ds = dataset.open_dataset(team.data).scoped(Viewer(influencers=(team.jia,)))
    f = Filters(metrics.span_period(ds))
    for viewer in (EVERYONE, Viewer(influencers=(team.other,)), Viewer(influencers=(team.jia, team.other))):
        rows = db.run(ds, "post_conversion", viewer, **f.event_params())
        assert set(rows["influencer_id"]) <= {team.jia}
    assert db.run(ds, "post_conversion", Viewer(influencers=(team.other,)), **f.event_params()).empty
    # the scope is never a parameter, whatever a caller passes
    with pytest.raises(db.QueryError, match="never from a parameter"):
        db.run(ds, "post_conversion", viewer_influencers=None, **f.event_params())
    # the scoped handle keeps its fingerprint: one connection, one prepared cache for everyone
    assert ds.fingerprint == dataset.open_dataset(team.data).fingerprint


def test_results_are_cached_per_scope(team: Team) -> None:
    """The result cache is keyed by the scope: the same query for two viewers, one after the other, never shares."""
    ds = dataset.open_dataset(team.data)
    f = Filters(metrics.span_period(ds))
    everyone = metrics.influencer_list(ds, f)
    mine = metrics.influencer_list(ds.scoped(Viewer(influencers=(team.jia,))), f)
    again = metrics.influencer_list(ds, f)
    assert list(mine["influencer_id"]) == [team.jia]
    assert len(everyone) > 1 and everyone.equals(again)


def test_profiles_are_refused_without_the_grant(team: Team) -> None:
    ds = dataset.open_dataset(team.data)
    f = Filters(metrics.span_period(ds), dim="gender")
    shop = ds.scoped(Viewer(merchants=(team.merchant,), profiles=False))
    for name in sorted(db.PROFILE_QUERIES):
        with pytest.raises(db.NotPermitted):
            metrics.QUERIES[name](shop, f)
    granted = ds.scoped(Viewer(merchants=(team.merchant,)))
    assert not metrics.audience_summary(granted, f).empty
    # what the merchant's own screen needs still runs
    for name in ("audience_match", "audience_overlap", "shortlist_reach", "influencer_compare", "merchant_list"):
        metrics.QUERIES[name](shop, dataclasses.replace(f, merchant=team.merchant))
    options = metrics.segment_options(shop, f)
    assert options["province"] and options["interest"]


def test_segment_values_match_pandas(team: Team) -> None:
    """segment_values: distinct fans per interest tag and province over every influencer's fans, at least k of them."""
    ds = dataset.open_dataset(team.data)
    fans = pd.read_parquet(team.data / "fans.parquet")
    for k in (3, 5, 40):
        actual = metrics.segment_values(ds, Filters(metrics.span_period(ds), k=k))
        tags = fans[["fan_id", "interests"]].explode("interests").dropna().drop_duplicates()
        provinces = fans[["fan_id", "province"]].dropna().drop_duplicates()
        expected = pd.concat([
            tags.groupby("interests").size().rename_axis("bucket").reset_index(name="users").assign(dim="interest"),
            provinces.groupby("province").size().rename_axis("bucket").reset_index(name="users").assign(
                dim="province")])
        expected = expected[expected["users"] >= k].sort_values(["dim", "users", "bucket"],
                                                                ascending=[True, False, True])
        pd.testing.assert_frame_equal(actual.reset_index(drop=True),
                                      expected[["dim", "bucket", "users"]].reset_index(drop=True), check_dtype=False)
        # the same for every viewer: platform-level
        shop = ds.scoped(Viewer(merchants=(team.merchant,), profiles=False))
        pd.testing.assert_frame_equal(metrics.segment_values(shop, Filters(metrics.span_period(ds), k=k)), actual)


# ---- the command line -----------------------------------------------------------------------------------------------

def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_query_as_a_user_obeys_the_same_rules(team: Team, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(access.ACCESS_ENV, raising=False)
    base = ["query", "post_conversion", "--data", str(team.data), "--format", "json"]
    code, out, _ = _cli([*base, "--as", "jia", "--access", str(team.file)], capsys)
    assert code == 0
    assert set(pd.read_json(io.StringIO(out))["influencer_id"]) == {team.jia}
    # a foreign influencer on the command line changes nothing
    code, out, _ = _cli([*base, "--as", "jia", "--access", str(team.file), "--influencer", str(team.other)], capsys)
    assert code == 0 and out.strip() == "[]"
    # the access file from the environment, as the app reads it
    monkeypatch.setenv(access.ACCESS_ENV, str(team.file))
    code, out, _ = _cli([*base, "--as", "mcn"], capsys)
    assert code == 0 and set(pd.read_json(io.StringIO(out))["influencer_id"]) <= set(team.mcn)
    code, _, err = _cli(["query", "audience_summary", "--data", str(team.data), "--as", "shop"], capsys)
    assert code == 1 and "full audience profiles" in err
    code, _, err = _cli([*base, "--as", "nobody"], capsys)
    assert code == 2 and "'nobody' is not in the access file" in err
    monkeypatch.delenv(access.ACCESS_ENV)
    code, _, err = _cli([*base, "--as", "jia"], capsys)
    assert code == 2 and "--as needs an access file" in err
    code, _, err = _cli([*base, "--access", str(team.file)], capsys)
    assert code == 2 and "give --as too" in err


def test_export_as_a_merchant(team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(["export", "merchants", "--data", str(team.data), "--as", "shop", "--access",
                           str(team.file), "--merchant", str(team.merchant), "--format", "csv", "--out",
                           str(tmp_path)], capsys)
    assert code == 0, err
    table = next(p for p in tmp_path.glob("*.csv") if "compare" in p.name or "merchant" in p.name)
    shown = pd.read_csv(table, encoding="utf-8-sig")
    assert len(shown) >= 1


def test_hash_password_and_check_access(team: Team, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse\n"))
    code, out, _ = _cli(["hash-password"], capsys)
    made = out.strip()
    assert code == 0 and made.startswith("$argon2id$") and "correct horse" not in made
    settings = dataclasses.replace(access.load(team.file), users={
        "x": access.User("x", "admin", password=made)})
    assert access.check_password(settings, "x", "correct horse") is not None
    code, out, _ = _cli(["check-access", str(team.file)], capsys)
    assert code == 0 and "login mode password, 5 users" in out
    assert f"jia: influencer, sees influencers {team.jia}" in out
    assert "shop: merchant" in out and "audiences as match and overlap only" in out
    broken = team.file.with_name("broken.toml")
    broken.write_text('[users.a]\nrole = "nobody"\n', encoding="utf-8")
    code, _, err = _cli(["check-access", str(broken)], capsys)
    assert code == 2 and str(broken) in err and "user 'a'" in err


# ---- the app, signed in ---------------------------------------------------------------------------------------------

def _app(team: Team, monkeypatch: pytest.MonkeyPatch, access_file: Path | None = None, **params: str) -> AppTest:
    monkeypatch.setenv("ADVISOR_DATA", str(team.data))
    monkeypatch.setenv(access.ACCESS_ENV, str(access_file or team.file))
    monkeypatch.delenv("ADVISOR_TZ", raising=False)
    at = AppTest.from_file("../app.py", default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def sign_in(at: AppTest, login: str, secret: str | None = None) -> AppTest:
    at.run()
    at.text_input(key="login_user").input(login)
    at.text_input(key="login_password").input(password(login) if secret is None else secret)
    at.button(key=next(b.key for b in at.button if b.key.startswith("FormSubmitter:login"))).click().run()
    return at


def picker_names(at: AppTest) -> list[str]:
    return [str(o) for o in at.sidebar.multiselect[0].options]


def test_nothing_is_shown_before_signing_in(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    monkeypatch.setattr(db, "run", lambda *a, **k: ran.append(a[1]))
    at = _app(team, monkeypatch)
    at.run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert not ran and not at.sidebar.multiselect  # no dataset opened, no query run
    shown = texts(at)
    assert not any(name in shown for name in team.names.values())


def test_a_wrong_password_then_the_right_one(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    at = sign_in(_app(team, monkeypatch, lang="en"), "jia", "wrong")
    assert [e.value for e in at.error] == ["Wrong user name or password."]
    assert at.text_input(key="login_password").value == ""  # the password does not stay in session state
    at = sign_in(at, "jia")
    assert not at.exception and not at.error
    assert "Signed in: 贾 <b>Jia</b> (Influencer)" in texts(at)


def test_repeated_failures_lock_the_name(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signin, "_failures", {})
    at = _app(team, monkeypatch, lang="en")
    for _ in range(signin.MAX_FAILURES):
        at = sign_in(at, "ana", "guess")
    at = sign_in(at, "ana")  # the right password, too late
    assert [e.value for e in at.error] == ["Too many failed sign-ins for this user name; try again in 5 minutes."]
    assert at.text_input(key="login_user")  # still the sign-in screen


def shown_names(at: AppTest, team: Team) -> set[str]:
    """The influencer names a screen shows anywhere: text, tables, the picker."""
    cells = {str(v) for frame in at.dataframe for column in frame.value.columns
             if frame.value[column].dtype == object or str(frame.value[column].dtype) == "str"
             for v in frame.value[column].dropna()}
    text = texts(at) + "\n".join(picker_names(at))
    return {n for n in team.names.values() if n in cells or n in text}


def test_two_people_in_one_process_never_see_each_others_data(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    """jia (one influencer), mcn (two) and the admin signed in side by side; the process shares its caches, never a
    result."""
    jia = sign_in(_app(team, monkeypatch), "jia")
    mcn = sign_in(_app(team, monkeypatch), "mcn")
    boss = sign_in(_app(team, monkeypatch), "boss")
    own = {"jia": {team.names[team.jia]}, "mcn": {team.names[i] for i in team.mcn}}
    for _ in range(2):  # and again, now from warm caches
        for slug in ("posts", "overview", "campaigns", "benchmarks"):
            for at in (jia, mcn, boss):
                at.switch_page(f"pages/{slug}.py").run()
                assert not at.exception, (slug, at.exception)
            assert shown_names(jia, team) <= own["jia"], slug
            assert shown_names(mcn, team) <= own["mcn"], slug
            assert len(shown_names(boss, team)) > 2, slug
        assert len(picker_names(jia)) == 1 and len(picker_names(mcn)) == 2 and len(picker_names(boss)) > 2


def test_a_tampered_url_shows_nothing_foreign(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = dataset.open_dataset(team.data)
    f = Filters(metrics.span_period(ds))
    posts = metrics.post_conversion(ds, f)
    foreign_post = int(posts.loc[posts["influencer_id"] == team.other, "post_id"].iloc[0])
    at = sign_in(_app(team, monkeypatch, inf=str(team.other), post=str(foreign_post)), "jia")
    at.switch_page("pages/posts.py").run()
    assert not at.exception
    assert at.sidebar.multiselect[0].value == []  # the foreign id was dropped from the picker and the URL
    assert at.query_params.get("inf") in (None, [], "")
    shown = texts(at)
    assert team.names[team.other] not in shown or team.names[team.other] == team.names[team.jia]
    for frame in at.dataframe:
        value = frame.value
        if "influencer_id" in value.columns:
            assert set(value["influencer_id"]) <= {team.jia}
        if "post_id" in value.columns:
            assert foreign_post not in set(value["post_id"])


def test_the_merchant_sees_its_own_screens(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    at = sign_in(_app(team, monkeypatch, lang="en"), "shop")
    at.switch_page("pages/audience.py").run()
    assert not at.exception
    assert "does not see influencers' full audience profiles" in texts(at)
    at.switch_page("pages/merchants.py").run()
    assert not at.exception and not at.error
    at.switch_page("pages/campaigns.py").run()
    for frame in at.dataframe:
        if "buyer_merchant_id" in frame.value.columns:
            assert set(frame.value["buyer_merchant_id"].dropna()) <= {team.merchant}


@pytest.mark.parametrize("login", ["jia", "mcn", "shop"])
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_screen_for_every_role(team: Team, monkeypatch: pytest.MonkeyPatch, login: str, lang: str) -> None:
    at = sign_in(_app(team, monkeypatch, **lang_params(lang)), login)
    for slug in PAGES:
        at.switch_page(f"pages/{slug}.py").run()
        assert not at.exception, (slug, at.exception)
        assert not at.error, (slug, [e.value for e in at.error])


def test_signing_out(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    at = sign_in(_app(team, monkeypatch, lang="en"), "ana")
    at.button(key="sign_out").click().run()
    assert [t.label for t in at.text_input] == ["User name", "Password"]


def test_a_user_removed_from_the_file_is_signed_out(team: Team, monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    file = tmp_path / "access.toml"
    file.write_text(team.file.read_text(encoding="utf-8"), encoding="utf-8")
    at = sign_in(_app(team, monkeypatch, access_file=file, lang="en"), "jia")
    assert not at.text_input
    text = file.read_text(encoding="utf-8")
    start = text.index('[users."jia"]')
    file.write_text(text[:start] + text[text.index('[users."mcn"]'):], encoding="utf-8")
    at.run()
    assert [t.label for t in at.text_input] == ["User name", "Password"]


def test_local_mode_says_so(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for lang, says in (("zh-CN", "本地模式"), ("en", "Local mode: one user, no sign-in, all data")):
        monkeypatch.setenv("ADVISOR_DATA", str(tiny_demo))
        monkeypatch.delenv(access.ACCESS_ENV, raising=False)
        at = AppTest.from_file("../app.py", default_timeout=120)
        for key, value in lang_params(lang).items():
            at.query_params[key] = value
        at.run()
        assert not at.exception and says in texts(at)


def test_a_broken_access_file_shows_no_data(team: Team, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "access.toml"
    broken.write_text('[users.a]\nrole = "influencer"\ninfluencers = [1]\npassword = "plain"\n', encoding="utf-8")
    at = _app(team, monkeypatch, access_file=broken, lang="en")
    at.run()
    assert not at.exception and not at.text_input
    [error] = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert "The access file cannot be used" in error and "access.toml" in error and "never the password" in error


def test_proxy_mode_without_the_header(team: Team, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """AppTest sends no headers: a proxy-mode server reached without its proxy shows nothing (the browser test sends
    the header)."""
    file = write_access(tmp_path / "access.toml", "proxy", {"jia": {"role": "influencer", "influencers": [team.jia]}},
                        header="X-Remote-User")
    at = _app(team, monkeypatch, access_file=file, lang="en")
    at.run()
    assert not at.exception and not at.sidebar.multiselect
    assert "No signed-in user came from the reverse proxy (header X\\-Remote\\-User)" in [e.value for e in at.error][0]


def test_oidc_mode_without_its_settings(team: Team, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """OIDC mode needs [auth] in .streamlit/secrets.toml: without it, a sentence naming the file, no button that
    would fail, no data."""
    file = write_access(tmp_path / "access.toml", "oidc", {"a@example.com": {"role": "admin"}})
    at = _app(team, monkeypatch, access_file=file, lang="en")
    at.run()
    assert not at.exception and not at.sidebar.multiselect and not at.button
    error = re.sub(r"\\(.)", r"\1", at.error[0].value)
    assert "Single sign-on is not configured" in error and "secrets.toml" in error


def test_oidc_mode_with_its_settings_offers_single_sign_on(team: Team, monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    file = write_access(tmp_path / "access.toml", "oidc", {"a@example.com": {"role": "admin"}})
    at = _app(team, monkeypatch, access_file=file, lang="en")
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "advisor", "client_secret": "s",
                          "server_metadata_url": "https://sso.example.com/.well-known/openid-configuration"}
    at.run()
    assert not at.exception and not at.sidebar.multiselect
    assert [b.label for b in at.button] == ["Sign in with single sign-on"]


# ---- every screen under random URLs, as each role -------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Seen:
    """What one user may see of the tiny demo, computed with the scope from the access file."""

    names: set[str]
    influencers: set[int]
    posts: set[int]
    campaigns: set[int]
    merchants: set[int] | None


@pytest.fixture(scope="session")
def allowed(team: Team) -> dict[str, Seen]:
    """From the raw files, independently of the scope code: the influencers, posts and campaigns each may see."""
    posts = pd.read_parquet(team.data / "posts.parquet")
    campaigns = pd.read_parquet(team.data / "campaigns.parquet")
    clicks = pd.read_parquet(team.data / "clicks")
    products = pd.read_parquet(team.data / "products.parquet")
    own_products = set(products.loc[products["merchant_id"] == team.merchant, "product_id"])
    moved = clicks[clicks["product_id"].isin(own_products)].merge(posts[["post_id", "influencer_id"]], on="post_id")
    out = {}
    for login, ids, merchants in (("jia", {team.jia}, None), ("mcn", set(team.mcn), None),
                                  ("shop", set(moved["influencer_id"]), {team.merchant})):
        bought = campaigns["influencer_id"].isin(ids) & (
            True if merchants is None else campaigns["buyer_merchant_id"].isin(merchants))
        out[login] = Seen({team.names[i] for i in ids if i in team.names}, {int(i) for i in ids},
                          {int(p) for p in posts.loc[posts["influencer_id"].isin(ids), "post_id"]},
                          {int(c) for c in campaigns.loc[bought, "campaign_id"]}, merchants)
    assert out["shop"].influencers and len(out["shop"].influencers) < len(team.names)
    return out


def _everything(team: Team) -> tuple[list[int], list[int], list[int], list[int]]:
    ds = dataset.open_dataset(team.data)
    f = Filters(metrics.span_period(ds))
    return (sorted(team.names), [int(p) for p in metrics.post_conversion(ds, f)["post_id"]],
            [int(c) for c in metrics.campaign_roi(ds, f)["campaign_id"]],
            [int(m) for m in metrics.merchant_list(ds, f)["merchant_id"]])


@st.composite
def url_states(draw: st.DrawFn, influencers: list[int], posts: list[int], campaigns: list[int],
               merchants: list[int]) -> dict[str, str]:
    """A URL anyone could type or tamper with: ids of anyone (and of no one), any period, any window."""
    url: dict[str, str] = {}
    period = draw(st.sampled_from(["", "7d", "30d", "90d", "month", "custom", "bogus"]))
    if period == "custom":
        day = st.dates(min_value=pd.Timestamp("2026-04-01").date(), max_value=pd.Timestamp("2026-12-01").date())
        url["from"], url["to"] = draw(day).isoformat(), draw(day).isoformat()
    elif period:
        url["period"] = period
    ids = draw(st.lists(st.sampled_from([*influencers, 1, -5]), max_size=4))
    if ids:
        url["inf"] = ",".join(map(str, ids))
    url["win"] = draw(st.sampled_from(["1h", "1d", "7d", "30d", "99d"]))
    url["post"] = str(draw(st.sampled_from(posts)))
    url["campaign"] = str(draw(st.sampled_from(campaigns)))
    url["merchant"] = str(draw(st.sampled_from(merchants)))
    url["focus"] = str(draw(st.sampled_from(influencers)))
    url["short"] = ",".join(map(str, draw(st.lists(st.sampled_from(influencers), max_size=3))))
    if draw(st.booleans()):
        url["lang"] = "en"
    return url


@pytest.mark.parametrize("login", ["jia", "mcn", "shop"])
def test_screens_under_random_urls_show_only_the_viewers_data(team: Team, allowed: dict[str, Seen], login: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    seen = allowed[login]
    everything = _everything(team)

    @given(url=url_states(*everything), slug=st.sampled_from(PAGES))
    # No shrinking: each example is a signed-in screen (seconds); the first failing URL is reported as it is.
    @settings(max_examples=10, deadline=None, derandomize=True, phases=[Phase.generate])
    def check(url: dict[str, str], slug: str) -> None:
        at = sign_in(_app(team, monkeypatch, **url), login)
        at.switch_page(f"pages/{slug}.py").run()
        assert not at.exception, (slug, url, at.exception)
        assert shown_names(at, team) <= seen.names, (slug, url)
        for frame in at.dataframe:
            table = frame.value
            for column, allowed_ids in (("influencer_id", seen.influencers), ("post_id", seen.posts),
                                        ("campaign_id", seen.campaigns), ("buyer_merchant_id", seen.merchants),
                                        ("merchant_id", seen.merchants)):
                if column in table.columns and allowed_ids is not None:
                    assert {int(v) for v in table[column].dropna()} <= allowed_ids, (slug, url, column)

    check()


def test_a_merchant_sees_cohorts_but_no_standing(team: Team, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    at = sign_in(_app(team, monkeypatch, lang="en"), "shop")
    at.switch_page("pages/benchmarks.py").run()
    assert not at.exception and not at.error
    assert "only the influencer, their MCN and analysts see it" in texts(at)
    assert "benchmarks_stand" not in {frame.key for frame in at.dataframe}
    # an influencer exporting another one's standing is told, not shown
    code, _, err = _cli(["export", "benchmarks", "--data", str(team.data), "--as", "jia", "--access", str(team.file),
                         "--focus", str(team.other), "--out", str(tmp_path)], capsys)
    assert code == 2 and f"--focus {team.other} is not an influencer" in err

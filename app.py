"""Social Commerce Advisor (社交电商参谋): page setup and the navigation between its six screens."""

from pathlib import Path

import streamlit as st

from advisor import ui
from advisor.i18n import t

lang = ui.current_lang()
# A local icon: a Material or emoji icon would be fetched from a font or emoji CDN, and the app often runs offline.
ICON = Path(__file__).parent / "advisor" / "assets" / "icon.png"
st.set_page_config(page_title=t("app.title", lang), page_icon=str(ICON), layout="wide")

# Each screen draws the shared sidebar itself (advisor.ui.sidebar), below this navigation.
screens = [st.Page(path, title=t(f"page.{slug}", lang), icon=icon, url_path=slug, default=(slug == "overview"))
           for slug, path, icon in ui.PAGES]
st.navigation(screens).run()

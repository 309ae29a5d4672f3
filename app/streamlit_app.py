"""botwatch: the stakeholder app. Run with `make app`; it reads only the published snapshot."""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run app/streamlit_app.py` puts app/ on sys.path, not the project root that holds the
# `app` and `botwatch` packages.
PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

import streamlit as st  # noqa: E402

from app import ui  # noqa: E402

# Page files live in `views/`, not `pages/`: Streamlit treats a `pages/` folder beside the entry
# as the old multipage layout and may then run a page without this entry script (AppTest, 1.67).
# Paths are relative to this script, which is how st.Page resolves them.
PAGES = Path("views")

# Readers, not developers: no "Deploy" button, no tracebacks (pages show messages instead).
st.set_option("client.toolbarMode", "viewer")
st.set_option("client.showErrorDetails", "none")
st.set_page_config(page_title="botwatch", page_icon=":material/radar:", layout="wide")

snap = ui.start_run()
navigation = st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/insights:", default=True),
        st.Page(PAGES / "accounts.py", title="Accounts", icon=":material/person_search:"),
        st.Page(PAGES / "reused_bots.py", title="Reused bots", icon=":material/history:"),
        st.Page(PAGES / "coordination.py", title="Coordination", icon=":material/hub:"),
        st.Page(PAGES / "model.py", title="Model", icon=":material/model_training:"),
        st.Page(PAGES / "data_quality.py", title="Data quality", icon=":material/fact_check:"),
    ]
)
st.sidebar.title("botwatch")
ui.campaign_picker(snap)
ui.freshness(snap)
navigation.run()

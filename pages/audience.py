"""粉丝画像 Audience: who the fans are (coming soon)."""

from advisor import ui

ctx = ui.sidebar()
ui.coming_soon(ctx, "audience")

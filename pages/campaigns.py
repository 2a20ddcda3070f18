"""粉丝头条 Campaigns: what paid promotion returned (coming soon)."""

from advisor import ui

ctx = ui.sidebar()
ui.coming_soon(ctx, "campaigns")

"""内容转化 Posts: how each post sold (coming soon)."""

from advisor import ui

ctx = ui.sidebar()
ui.coming_soon(ctx, "posts")

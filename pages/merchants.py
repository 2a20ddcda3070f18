"""达人对比 Merchants: influencers compared from a merchant's side (coming soon)."""

from advisor import ui

ctx = ui.sidebar()
ui.coming_soon(ctx, "merchants")

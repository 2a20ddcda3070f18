"""类目对标 Benchmarks: how an influencer compares with its category and tier (coming soon)."""

from advisor import ui

ctx = ui.sidebar()
ui.coming_soon(ctx, "benchmarks")

"""Social Commerce Advisor (社交电商参谋): influencer e-commerce analytics over Parquet exports."""

__version__ = "0.1.0"

"""gongkai: turn a folder of Markdown notices into a 政务公开栏 website."""

__version__ = "0.1.0"

"""The 政务公开 rules: who is published (drafts, future dates, 不予公开), 索引号, 有效性 and 公示 state,
privacy scans, working days, attachments and the manifest of published URLs.

May import: `core`, `load`.
"""

"""Persistence: campaign databases, migrations, repositories. Knows nothing of discord."""

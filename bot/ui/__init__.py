"""Discord-side helpers shared by the cogs: replies, errors, context, views."""

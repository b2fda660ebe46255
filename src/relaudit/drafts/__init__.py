"""Drafts before they are published: reading them, checking them with the draft-scope rules, and the calendar."""

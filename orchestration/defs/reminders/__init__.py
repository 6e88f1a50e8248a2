"""Payment reminders: due rows of the reminder schedule rendered into the outbox as .eml."""

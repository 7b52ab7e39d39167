// Escalation domain logic.

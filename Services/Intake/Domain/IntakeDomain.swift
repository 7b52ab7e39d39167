// Intake domain logic.

// Notification domain logic.

// Referral domain logic.

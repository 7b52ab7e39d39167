import Postgres

/// The escalation schema: the referrals it tracks and the events that moved them.
enum EscalationMigrations {
    static let all: [Migration] = [
        Migration(version: 2, name: "tracked referrals", sql: """
            CREATE TABLE referrals (
                referral_id uuid PRIMARY KEY,
                case_id uuid NOT NULL,
                agency text NOT NULL,
                status text NOT NULL,
                issued_at timestamptz,
                acknowledge_by timestamptz,
                due_by timestamptz,
                person_initials text,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE referral_events (
                id bigserial PRIMARY KEY,
                referral_id uuid NOT NULL,
                kind text NOT NULL,
                at timestamptz NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX referral_events_referral ON referral_events (referral_id);
            """),
    ]
}

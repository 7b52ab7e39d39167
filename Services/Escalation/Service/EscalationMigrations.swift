import Postgres

/// The escalation schema: the referrals it tracks, the events that moved them, each
/// referral's planned ladder and the escalations fired from it.
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
        Migration(version: 3, name: "ladder steps and escalation events", sql: """
            -- One row per planned step: the policy as it stood when the referral was issued.
            CREATE TABLE ladder_steps (
                referral_id uuid NOT NULL,
                step integer NOT NULL,
                moment timestamptz NOT NULL,
                deadline timestamptz NOT NULL,
                audiences text[] NOT NULL,
                cancelled_by text[] NOT NULL,
                agency text NOT NULL,
                case_id uuid NOT NULL,
                person_initials text,
                state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fired', 'cancelled')),
                planned_at timestamptz NOT NULL DEFAULT now(),
                fired_at timestamptz,
                -- fired_at - moment: how far the timer missed the moment.
                lateness interval,
                cancelled_at timestamptz,
                -- The referral event kind that made the step unnecessary.
                cancel_reason text,
                PRIMARY KEY (referral_id, step),
                CHECK ((state = 'fired') = (fired_at IS NOT NULL)),
                CHECK ((state = 'cancelled') = (cancelled_at IS NOT NULL))
            );
            -- What the timer scans: only pending steps, by moment.
            CREATE INDEX ladder_steps_pending_moment ON ladder_steps (moment) WHERE state = 'pending';

            -- Every fired step: who was alerted, when, for which referral and step.
            CREATE TABLE escalation_events (
                id bigserial PRIMARY KEY,
                referral_id uuid NOT NULL,
                case_id uuid NOT NULL,
                agency text NOT NULL,
                step integer NOT NULL,
                audiences text[] NOT NULL,
                planned_moment timestamptz NOT NULL,
                fired_at timestamptz NOT NULL,
                late boolean NOT NULL,
                delay interval NOT NULL,
                delivery_key text NOT NULL,
                UNIQUE (referral_id, step)
            );
            """),
    ]
}

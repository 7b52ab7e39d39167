import Postgres

/// The intake schema: people, cases with the raw record as received, refusals and
/// consent updates. The outbox and inbox come first (version 1, shared).
enum IntakeMigrations {
    static let all: [Migration] = [
        Migration(version: 2, name: "people, cases, refusals, consent", sql: """
            CREATE TABLE people (
                id uuid PRIMARY KEY,
                -- The FIN; absent for people registered without one.
                personal_id text UNIQUE,
                created_at timestamptz NOT NULL DEFAULT now()
            );

            CREATE TABLE cases (
                id uuid PRIMARY KEY,
                person_id uuid NOT NULL REFERENCES people (id),
                sms_reference text NOT NULL UNIQUE,
                message_id text NOT NULL,
                -- The record exactly as received, and its canonical form for duplicate checks.
                raw_record bytea NOT NULL,
                canonical_content text NOT NULL,
                readmitted_at timestamptz NOT NULL,
                district text NOT NULL,
                needs text[] NOT NULL,
                consent_status text NOT NULL CHECK (consent_status IN ('given', 'awaiting')),
                consent_recorded_at timestamptz,
                opened_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX cases_person ON cases (person_id);

            CREATE TABLE refusals (
                id bigserial PRIMARY KEY,
                message_id text,
                message_type text,
                sms_reference text,
                reason text NOT NULL,
                detail text NOT NULL,
                problems jsonb NOT NULL DEFAULT '[]'::jsonb,
                refused_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX refusals_sms_reference ON refusals (sms_reference);

            CREATE TABLE consent_updates (
                id bigserial PRIMARY KEY,
                case_id uuid NOT NULL REFERENCES cases (id),
                message_id text,
                data_sharing boolean NOT NULL,
                recorded_at timestamptz,
                received_at timestamptz NOT NULL DEFAULT now()
            );
            """),
        // Contract v1.1: the broker-validated account that sent each record, consent update
        // and refused message. Cases registered under v1 have none (see docs/contract.md,
        // "Moving from v1 to v1.1").
        Migration(version: 3, name: "senders", sql: """
            ALTER TABLE cases ADD COLUMN registered_by text;
            ALTER TABLE refusals ADD COLUMN sender text;
            ALTER TABLE consent_updates ADD COLUMN sender text;
            """),
    ]
}

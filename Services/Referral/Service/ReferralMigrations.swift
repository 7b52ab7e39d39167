import Contract
import Postgres

/// The referral schema: cases as routed, referrals with their deadlines, the audit
/// trail of every status change, refused status updates, deadline extensions; and the
/// versioned read views other readers (the operators' tool, the reporting role) use
/// instead of the tables.
enum ReferralMigrations {
    static let all: [Migration] = [
        Migration(version: 2, name: "cases, referrals, status history, refusals", sql: """
            CREATE TABLE cases (
                case_id uuid PRIMARY KEY,
                awaiting_consent boolean NOT NULL,
                -- The case-opened event as received: what referrals are composed from.
                case_event jsonb NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now(),
                released_at timestamptz
            );

            CREATE TABLE referrals (
                referral_id uuid PRIMARY KEY,
                case_id uuid NOT NULL REFERENCES cases (case_id),
                agency text NOT NULL,
                needs text[] NOT NULL,
                status text NOT NULL CHECK (status IN ('issued', 'acknowledged', 'in-progress', 'completed', 'declined')),
                issued_at timestamptz NOT NULL,
                acknowledge_by timestamptz NOT NULL,
                due_by timestamptz NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (case_id, agency)
            );
            CREATE INDEX referrals_agency_status ON referrals (agency, status);

            CREATE TABLE status_history (
                id bigserial PRIMARY KEY,
                referral_id uuid NOT NULL REFERENCES referrals (referral_id),
                from_status text,
                to_status text NOT NULL,
                -- When the agency says it happened, and when the cluster recorded it.
                reported_at timestamptz NOT NULL,
                recorded_at timestamptz NOT NULL DEFAULT now(),
                actor text NOT NULL,
                officer text,
                note text,
                message_id text
            );
            CREATE INDEX status_history_referral ON status_history (referral_id);

            CREATE TABLE refusals (
                id bigserial PRIMARY KEY,
                message_id text,
                user_id text,
                referral_id text,
                reason text NOT NULL,
                detail text NOT NULL,
                refused_at timestamptz NOT NULL DEFAULT now()
            );
            """),
        Migration(version: 3, name: "consent releases that arrive before their case", sql: """
            -- A release handled before its case-opened event (a redelivery can reorder them)
            -- is kept here and honoured when the case arrives, so the case is never held for good.
            CREATE TABLE early_consent_releases (
                case_id uuid PRIMARY KEY,
                received_at timestamptz NOT NULL DEFAULT now()
            );
            """),
        Migration(version: 4, name: "deadline extension requests and decisions", sql: """
            -- An agency's request for more time (contract item 8) and the secretariat's
            -- decision on it. The referral keeps its state and ladder while a request is
            -- pending; at most one request per referral is pending at a time.
            CREATE TABLE extension_requests (
                id bigserial PRIMARY KEY,
                referral_id uuid NOT NULL REFERENCES referrals (referral_id),
                -- The deadline in force when the agency asked, and the local date
                -- (Asia/Baku) it asked for.
                due_by_before timestamptz NOT NULL,
                requested_due_by date NOT NULL,
                note text NOT NULL,
                officer text,
                message_id text,
                requested_at timestamptz NOT NULL,
                recorded_at timestamptz NOT NULL DEFAULT now(),
                decision text CHECK (decision IN ('approved', 'refused')),
                decided_by text,
                decision_note text,
                -- The deadline in force after an approval (possibly another date than asked).
                granted_due_by timestamptz,
                decided_at timestamptz,
                CHECK ((decision IS NULL) = (decided_by IS NULL AND decided_at IS NULL)),
                CHECK ((decision = 'approved') = (granted_due_by IS NOT NULL))
            );
            CREATE UNIQUE INDEX extension_requests_one_pending
                ON extension_requests (referral_id) WHERE decision IS NULL;
            CREATE INDEX extension_requests_referral ON extension_requests (referral_id);
            """),
        Migration(version: 5, name: "deadline history", sql: """
            -- The referral's deadline history (contract item 8): each extension request and each
            -- decision on it, who and when, from which deadline to which. For a request, to_due_by
            -- is the end of the date asked for; for a decision, the deadline in force after it
            -- (unchanged on a refusal).
            CREATE TABLE deadline_history (
                id bigserial PRIMARY KEY,
                referral_id uuid NOT NULL REFERENCES referrals (referral_id),
                extension_request_id bigint NOT NULL REFERENCES extension_requests (id),
                event text NOT NULL CHECK (event IN ('extension-requested', 'extension-approved', 'extension-refused')),
                from_due_by timestamptz NOT NULL,
                to_due_by timestamptz NOT NULL,
                -- The agency's account for a request, the secretariat member's name for a decision.
                actor text NOT NULL,
                officer text,
                note text NOT NULL,
                recorded_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX deadline_history_referral ON deadline_history (referral_id);
            """),
        // Versions 6 to 9 stay unused: a database that has version 10 would apply a new 6 after
        // it, a new database before it; a change takes the number after the highest instead.
        Migration(version: 10, name: "read views v1 for reporting", sql: """
            -- One row per referral with the moments reports count from: the first update that
            -- showed the agency had it and the completion, as the cluster recorded them (what
            -- the escalation ladder reacts to), and the person's initials, the only personal
            -- detail a reader gets. A later change of meaning gets a _v2 beside this one.
            CREATE VIEW referral_records_v1 AS
            SELECT r.referral_id, r.case_id, r.agency, r.status, r.issued_at, r.acknowledge_by, r.due_by,
                   (SELECT min(h.recorded_at) FROM status_history h
                     WHERE h.referral_id = r.referral_id AND h.to_status IN ('acknowledged', 'in-progress', 'completed')) AS acknowledged_at,
                   (SELECT min(h.recorded_at) FROM status_history h
                     WHERE h.referral_id = r.referral_id AND h.to_status = 'completed') AS completed_at,
                   NULLIF(\(PersonDetails.initialsSQL(ofPersonJSON: "c.case_event->'person'")), '') AS person_initials,
                   -- Deadline extensions asked for, approved and refused; due_by is the deadline in force.
                   e.requested AS extensions_requested, e.granted AS extensions_granted, e.refused AS extensions_refused
            FROM referrals r JOIN cases c ON c.case_id = r.case_id
            LEFT JOIN LATERAL (
                SELECT count(*) AS requested, count(*) FILTER (WHERE x.decision = 'approved') AS granted,
                       count(*) FILTER (WHERE x.decision = 'refused') AS refused
                FROM extension_requests x WHERE x.referral_id = r.referral_id) e ON true;

            -- Extension requests still waiting for the secretariat, with the deadline in force now.
            CREATE VIEW pending_extensions_v1 AS
            SELECT e.id AS request_id, r.referral_id, r.case_id, r.agency, e.requested_due_by, r.due_by,
                   e.due_by_before, e.requested_at, e.note
            FROM extension_requests e JOIN referrals r ON r.referral_id = e.referral_id
            WHERE e.decision IS NULL;

            -- The read-only reporting role (made by provisioning) reads these views and nothing
            -- else of this schema; where it does not exist, nobody is granted anything.
            DO $$
            BEGIN
                IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'reporting') THEN
                    EXECUTE format('GRANT USAGE ON SCHEMA %I TO reporting', current_schema());
                    GRANT SELECT ON referral_records_v1, pending_extensions_v1 TO reporting;
                END IF;
            END
            $$;
            """),
        Migration(version: 11, name: "reporting reads no free text", sql: """
            -- An agency's note is free text and may name people: the reporting role reads
            -- every column of the pending requests but that one (the secretariat reads it
            -- through the operators' tool, with its own role).
            DO $$
            BEGIN
                IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'reporting') THEN
                    REVOKE SELECT ON pending_extensions_v1 FROM reporting;
                    GRANT SELECT (request_id, referral_id, case_id, agency, requested_due_by, due_by, due_by_before, requested_at)
                        ON pending_extensions_v1 TO reporting;
                END IF;
            END
            $$;
            """),
        Migration(version: 12, name: "extension requests withdrawn when the referral closes", sql: """
            -- A request still waiting when its referral becomes completed or declined is closed
            -- as withdrawn (no deadline is left to move), in the status change's transaction,
            -- with a deadline history entry: it leaves pending_extensions_v1.
            ALTER TABLE extension_requests
                DROP CONSTRAINT extension_requests_decision_check,
                ADD CONSTRAINT extension_requests_decision_check CHECK (decision IN ('approved', 'refused', 'withdrawn'));
            ALTER TABLE deadline_history
                DROP CONSTRAINT deadline_history_event_check,
                ADD CONSTRAINT deadline_history_event_check
                    CHECK (event IN ('extension-requested', 'extension-approved', 'extension-refused', 'extension-withdrawn'));

            -- Requests left waiting by referrals closed before this version.
            WITH withdrawn AS (
                UPDATE extension_requests e
                SET decision = 'withdrawn', decided_by = 'referral-service',
                    decision_note = 'referral ' || r.status || ' before a decision', decided_at = now()
                FROM referrals r
                WHERE r.referral_id = e.referral_id AND e.decision IS NULL AND r.status IN ('completed', 'declined')
                RETURNING e.id, e.referral_id, r.due_by, e.decision_note
            )
            INSERT INTO deadline_history (referral_id, extension_request_id, event, from_due_by, to_due_by, actor, note)
            SELECT referral_id, id, 'extension-withdrawn', due_by, due_by, 'referral-service', decision_note FROM withdrawn;
            """),
    ]
}

import Postgres

/// The notification schema: alert requests, the directory of people, one delivery per
/// (request, person, channel), every attempt, and the circuit breakers: per person's
/// endpoint, and per shared endpoint (the SMTP relay, each webhook receiver's host).
enum NotificationMigrations {
    static let all: [Migration] = [
        Migration(version: 2, name: "alert requests", sql: """
            CREATE TABLE requests (
                delivery_key text PRIMARY KEY,
                kind text NOT NULL,
                audiences text[] NOT NULL,
                agency text,
                case_id uuid,
                referral_id uuid,
                step integer,
                request jsonb NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now()
            );
            """),
        Migration(version: 3, name: "directory and deliveries", sql: """
            CREATE TABLE recipients (
                id uuid PRIMARY KEY,
                name text NOT NULL,
                role text NOT NULL CHECK (role IN ('working-group-member', 'focal-point', 'chair', 'secretariat', 'operator')),
                agencies text[] NOT NULL DEFAULT '{}',
                email text NOT NULL,
                webhook_url text,
                webhook_secret text,
                language text NOT NULL CHECK (language IN ('az', 'en')),
                active boolean NOT NULL DEFAULT true,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                CHECK ((webhook_url IS NULL) = (webhook_secret IS NULL))
            );
            CREATE UNIQUE INDEX recipients_email ON recipients (lower(email));

            CREATE TABLE deliveries (
                id uuid PRIMARY KEY,
                delivery_key text NOT NULL REFERENCES requests (delivery_key),
                recipient_id uuid NOT NULL REFERENCES recipients (id),
                channel text NOT NULL CHECK (channel IN ('email', 'webhook')),
                status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
                attempts integer NOT NULL DEFAULT 0,
                due_at timestamptz NOT NULL,
                leased_until timestamptz,
                created_at timestamptz NOT NULL DEFAULT now(),
                sent_at timestamptz,
                failed_at timestamptz,
                last_error text,
                -- At most one delivery per request, person and channel, however often the request arrives.
                UNIQUE (delivery_key, recipient_id, channel)
            );
            CREATE INDEX deliveries_due ON deliveries (due_at) WHERE status = 'pending';

            CREATE TABLE delivery_attempts (
                id bigserial PRIMARY KEY,
                delivery_id uuid NOT NULL REFERENCES deliveries (id),
                attempt integer NOT NULL,
                channel text NOT NULL,
                started_at timestamptz NOT NULL,
                finished_at timestamptz NOT NULL,
                result text NOT NULL CHECK (result IN ('sent', 'transient', 'permanent')),
                response_code integer,
                -- Library and reply codes only: never addresses or message content.
                error text
            );
            CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id);

            CREATE TABLE endpoint_circuits (
                recipient_id uuid NOT NULL REFERENCES recipients (id),
                channel text NOT NULL,
                consecutive_failures integer NOT NULL DEFAULT 0,
                open_until timestamptz,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (recipient_id, channel)
            );
            """),
        Migration(version: 4, name: "shared circuits and hand-over marks", sql: """
            -- Endpoints many deliveries share: 'smtp:<host>:<port>' and 'webhook:<host>'. A row means
            -- open; the next probe may start at open_until (a running probe holds it for its lease).
            CREATE TABLE shared_circuits (
                circuit text PRIMARY KEY,
                failures integer NOT NULL,
                opened_at timestamptz NOT NULL DEFAULT now(),
                open_until timestamptz NOT NULL,
                -- Library and reply codes only.
                last_error text,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            -- Attempts that failed on a shared endpoint: they do not use up the delivery's retries.
            ALTER TABLE deliveries ADD COLUMN held_attempts integer NOT NULL DEFAULT 0;
            -- Set just before a transfer starts, cleared with its outcome: left set, the delivery may have arrived.
            ALTER TABLE deliveries ADD COLUMN sending_since timestamptz;
            ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
            ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
                CHECK (status IN ('pending', 'sent', 'failed', 'cancelled', 'unconfirmed'));
            ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_result_check;
            ALTER TABLE delivery_attempts ADD CONSTRAINT delivery_attempts_result_check
                CHECK (result IN ('sent', 'transient', 'permanent', 'unknown'));
            """),
    ]
}

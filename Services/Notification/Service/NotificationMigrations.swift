import Postgres

/// The notification schema: every alert request received, awaiting delivery.
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
    ]
}

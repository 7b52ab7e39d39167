extension PersonDetails {
    /// ``initials`` as a PostgreSQL expression over `person`, a jsonb expression holding a
    /// person as the contract writes it, so SQL that reads stored cases cuts initials by
    /// the same rule and no other personal field leaves the database.
    public static func initialsSQL(ofPersonJSON person: String) -> String {
        "concat_ws(' ', left((\(person))->>'firstName', 1) || '.', left((\(person))->>'lastName', 1) || '.')"
    }
}

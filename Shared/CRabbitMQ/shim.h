#ifndef REINTEGRATION_CRABBITMQ_SHIM_H
#define REINTEGRATION_CRABBITMQ_SHIM_H

// rabbitmq-c 0.11 keeps its headers at the top level (they move to rabbitmq-c/ in 0.12).
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#include <string.h>

// amqp_login_with_properties is variadic, which Swift cannot call: this shim fixes the
// SASL PLAIN arguments and announces the capabilities the client handles
// (connection.blocked, consumer cancel notifications, publisher confirms) and asks the
// broker to say when a login is refused (authentication_failure_close) instead of just
// dropping the socket.
static inline amqp_rpc_reply_t reintegration_amqp_login_plain(
    amqp_connection_state_t state,
    const char *vhost,
    int channel_max,
    int frame_max,
    int heartbeat,
    const char *connection_name,
    const char *user,
    const char *password)
{
    amqp_table_entry_t capability_entries[5];
    capability_entries[0].key = amqp_cstring_bytes("connection.blocked");
    capability_entries[0].value.kind = AMQP_FIELD_KIND_BOOLEAN;
    capability_entries[0].value.value.boolean = 1;
    capability_entries[1].key = amqp_cstring_bytes("consumer_cancel_notify");
    capability_entries[1].value.kind = AMQP_FIELD_KIND_BOOLEAN;
    capability_entries[1].value.value.boolean = 1;
    capability_entries[2].key = amqp_cstring_bytes("publisher_confirms");
    capability_entries[2].value.kind = AMQP_FIELD_KIND_BOOLEAN;
    capability_entries[2].value.value.boolean = 1;
    capability_entries[3].key = amqp_cstring_bytes("basic.nack");
    capability_entries[3].value.kind = AMQP_FIELD_KIND_BOOLEAN;
    capability_entries[3].value.value.boolean = 1;
    capability_entries[4].key = amqp_cstring_bytes("authentication_failure_close");
    capability_entries[4].value.kind = AMQP_FIELD_KIND_BOOLEAN;
    capability_entries[4].value.value.boolean = 1;

    amqp_table_entry_t property_entries[2];
    property_entries[0].key = amqp_cstring_bytes("capabilities");
    property_entries[0].value.kind = AMQP_FIELD_KIND_TABLE;
    property_entries[0].value.value.table.num_entries = 5;
    property_entries[0].value.value.table.entries = capability_entries;
    property_entries[1].key = amqp_cstring_bytes("connection_name");
    property_entries[1].value.kind = AMQP_FIELD_KIND_UTF8;
    property_entries[1].value.value.bytes = amqp_cstring_bytes(connection_name);

    amqp_table_t properties;
    properties.num_entries = 2;
    properties.entries = property_entries;

    return amqp_login_with_properties(state, vhost, channel_max, frame_max, heartbeat,
                                      &properties, AMQP_SASL_METHOD_PLAIN, user, password);
}

// Field values are unions in C; these accessors keep the Swift side free of layout guesses.
static inline amqp_field_value_t reintegration_amqp_field_utf8(amqp_bytes_t bytes) {
    amqp_field_value_t value;
    memset(&value, 0, sizeof(value));
    value.kind = AMQP_FIELD_KIND_UTF8;
    value.value.bytes = bytes;
    return value;
}

static inline amqp_field_value_t reintegration_amqp_field_i64(int64_t number) {
    amqp_field_value_t value;
    memset(&value, 0, sizeof(value));
    value.kind = AMQP_FIELD_KIND_I64;
    value.value.i64 = number;
    return value;
}

static inline amqp_field_value_t reintegration_amqp_field_bool(int flag) {
    amqp_field_value_t value;
    memset(&value, 0, sizeof(value));
    value.kind = AMQP_FIELD_KIND_BOOLEAN;
    value.value.boolean = flag ? 1 : 0;
    return value;
}

#endif

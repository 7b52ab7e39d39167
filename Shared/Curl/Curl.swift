// libcurl, wrapped once: SMTP and HTTPS delivery.

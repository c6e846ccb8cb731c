#!/bin/sh
# Writes the one account PgBouncer knows (from the environment, never the image), then runs PgBouncer.
set -eu
umask 077
printf '"%s" "%s"\n' "${DB_USER:?set DB_USER}" "${DB_PASSWORD:?set DB_PASSWORD}" > /etc/pgbouncer/auth/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
